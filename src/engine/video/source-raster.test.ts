import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeSourceRaster, inputImageErrorName, orientedImageSize } from './source-raster.ts';

describe('decodeSourceRaster', () => {
  it('flattens transparency onto white and returns four channels with an opaque fourth channel', async () => {
    // Left half transparent, right half opaque red.
    const pixels = Buffer.alloc(8 * 4 * 4);
    for (let y = 0; y < 4; y++) for (let x = 4; x < 8; x++) pixels.set([255, 0, 0, 255], (y * 8 + x) * 4);
    const png = await sharp(pixels, { raw: { width: 8, height: 4, channels: 4 } }).png().toBuffer();
    const raster = await decodeSourceRaster(png, { width: 8, height: 4 }, 1_000_000);
    expect([raster.width, raster.height, raster.data.length]).toEqual([8, 4, 8 * 4 * 4]);
    expect(Array.from(raster.data.subarray(0, 4))).toEqual([255, 255, 255, 255]);
    expect(Array.from(raster.data.subarray(7 * 4, 8 * 4))).toEqual([255, 0, 0, 255]);
  });

  it('applies EXIF orientation, then crops to the requested aspect around the centre', async () => {
    // Stored 20 wide × 40 high with a black top half; orientation 6 displays it rotated 90° clockwise (40 × 20),
    // so the black half ends up on the right.
    const pixels = Buffer.alloc(20 * 40 * 3, 255);
    pixels.fill(0, 0, 20 * 20 * 3);
    const jpeg = await sharp(pixels, { raw: { width: 20, height: 40, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    expect(await orientedImageSize(jpeg)).toEqual({ width: 40, height: 20 });
    const raster = await decodeSourceRaster(jpeg, { width: 40, height: 20 }, 1_000_000);
    const at = (x: number, y: number) => raster.data[(y * 40 + x) * 4];
    expect(at(5, 10)).toBeGreaterThan(200);
    expect(at(35, 10)).toBeLessThan(50);
  });

  it('marks decoding failures so they can be told apart from engine failures across threads', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
    const error = await decodeSourceRaster(png.subarray(0, 60), { width: 8, height: 8 }, 1_000_000).catch((thrown: unknown) => thrown);
    expect((error as Error).name).toBe(inputImageErrorName);
  });
});
