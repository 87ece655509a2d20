import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeLeadingBytes, sniffImageFormat } from './image-format.ts';
import { loadImageInput, type InputContext } from './load-image-input.ts';

let directory: string;
let avif: Buffer;

/** The same file with its `ftyp` major brand replaced (compatible brands untouched, so no box offset moves). */
function withMajorBrand(bytes: Buffer, brand: string): Buffer {
  const copy = Buffer.from(bytes);
  copy.write(brand, 8, 'latin1');
  return copy;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-format-review-'));
  avif = await sharp({ create: { width: 16, height: 12, channels: 3, background: '#3366cc' } }).avif({ effort: 0 }).toBuffer();
});

describe('AVIF recognised by its compatible brands', () => {
  it('reads an AVIF whose major brand is mif1 and which lists avif among its compatible brands', async () => {
    // The AV1 Image File Format requires "avif" in the compatible brands, not as the major brand.
    const mif1Major = withMajorBrand(avif, 'mif1');
    expect(mif1Major.subarray(16, 32).toString('latin1')).toContain('avif');
    expect(sniffImageFormat(mif1Major)).toBe('avif');

    await writeFile(join(directory, 'photo.avif'), mif1Major);
    const context: InputContext = {
      settings: { roots: [directory], rootsExplicit: true, allowPrivateUrls: false, maxBytes: 1024 * 1024, maxPixels: 1_000_000, urlTimeoutMilliseconds: 1000, maxRedirects: 0 },
      serverHost: '127.0.0.1',
    };
    const loaded = await loadImageInput(join(directory, 'photo.avif'), 'path', 'image', context);
    expect(loaded).toMatchObject({ format: 'avif', mediaType: 'image/avif', width: 16, height: 12 });
  });

  it('still refuses an ISO media file without an AV1 image brand', () => {
    const mp4 = Buffer.alloc(32);
    mp4.writeUInt32BE(24, 0);
    mp4.write('ftypisom\0\0\0\0isomiso2', 4, 'latin1');
    expect(sniffImageFormat(mp4)).toBeUndefined();
  });
});

describe('unsupported ISO media files are named', () => {
  it('says a HEIC photo is HEIC, which a person can convert, rather than only listing its bytes', () => {
    const heic = Buffer.alloc(32);
    heic.writeUInt32BE(24, 0);
    heic.write('ftypheic\0\0\0\0mif1heic', 4, 'latin1');
    expect(sniffImageFormat(heic)).toBeUndefined();
    expect(describeLeadingBytes(heic)).toMatch(/HEIC/);
  });

  it('says a video or other ISO media file is not an image', () => {
    const mp4 = Buffer.alloc(32);
    mp4.writeUInt32BE(24, 0);
    mp4.write('ftypisom\0\0\0\0isomiso2', 4, 'latin1');
    expect(describeLeadingBytes(mp4)).toMatch(/ISO media file with brand "isom"/);
  });
});
