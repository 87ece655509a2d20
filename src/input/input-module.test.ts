import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputSettings } from '../config/settings.ts';
import { makeHugeHeaderPng, makePhotoLikeImage } from '../../test/support/test-images.ts';
import { startLocalServer } from '../../test/support/local-http-server.ts';
import { classifyAddress, isLoopbackHost } from './address-policy.ts';
import { decodeBase64Input } from './decode-base64-input.ts';
import { sniffImageFormat } from './image-format.ts';
import { DecodedBase64 } from './inline-base64-text.ts';
import { loadImageInput, type InputContext } from './load-image-input.ts';

let directory: string;
let outside: string;
let png: Buffer;
const settings = (overrides: Partial<InputSettings> = {}): InputSettings => ({
  roots: [directory], rootsExplicit: true, allowPrivateUrls: false, maxBytes: 2 * 1024 * 1024, maxPixels: 4_000_000,
  urlTimeoutMilliseconds: 2000, maxRedirects: 5, ...overrides,
});
const context = (overrides: Partial<InputSettings> = {}, serverHost = '127.0.0.1'): InputContext => ({ settings: settings(overrides), serverHost });

async function expectCode(promise: Promise<unknown>, code: string, message?: RegExp) {
  const error = await promise.then(() => undefined, (failure: unknown) => failure as { code: string; message: string; status: number });
  expect(error, `expected ${code}`).toBeDefined();
  expect(error!.code).toBe(code);
  expect(error!.status).toBeGreaterThanOrEqual(400);
  expect(error!.status).toBeLessThan(500);
  if (message) expect(error!.message).toMatch(message);
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-input-'));
  outside = await mkdtemp(join(tmpdir(), 'atelier-outside-'));
  png = await makePhotoLikeImage(64, 48);
  await writeFile(join(directory, 'photo.png'), png);
  await writeFile(join(directory, 'photo.jpg.txt'), png);
  await writeFile(join(directory, 'notes.txt'), 'hello, not an image');
  await writeFile(join(outside, 'secret.png'), png);
  await symlink(join(outside, 'secret.png'), join(directory, 'link.png'));
  await mkdir(join(directory, 'folder.png'));
});

describe('format sniffing', () => {
  it('recognises formats from magic bytes, not names', async () => {
    expect(sniffImageFormat(png)).toBe('png');
    expect(sniffImageFormat(await sharp(png).jpeg().toBuffer())).toBe('jpeg');
    expect(sniffImageFormat(await sharp(png).webp().toBuffer())).toBe('webp');
    expect(sniffImageFormat(await sharp(png).tiff().toBuffer())).toBe('tiff');
    expect(sniffImageFormat(await sharp(png).gif().toBuffer())).toBe('gif');
    expect(sniffImageFormat(Buffer.from('GIF? no'))).toBeUndefined();
  });

  it('reads a BMP (which libvips cannot) and hands it on as PNG with the same pixels', async () => {
    const bmp = makeBmp(4, 3);
    expect(sniffImageFormat(bmp)).toBe('bmp');
    const loaded = await loadImageInput(bmp.toString('base64'), 'base64', 'image', context());
    expect(loaded).toMatchObject({ format: 'png', mediaType: 'image/png', width: 4, height: 3, hasAlpha: false });
    const { data } = await sharp(loaded.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(Array.from(data.subarray(0, 6))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80]);
  });
});

describe('path inputs', () => {
  it('reads a file inside the roots, whatever its extension says', async () => {
    const loaded = await loadImageInput(join(directory, 'photo.jpg.txt'), 'path', 'image', context());
    expect(loaded).toMatchObject({ format: 'png', mediaType: 'image/png', width: 64, height: 48 });
  });

  it('refuses paths outside the roots, also through .. and symlinks', async () => {
    await expectCode(loadImageInput(join(outside, 'secret.png'), 'path', 'image', context()), 'input_path_outside_roots', /path is outside the allowed roots/);
    await expectCode(loadImageInput(join(directory, '..', outside.split('/').pop()!, 'secret.png'), 'path', 'image', context()), 'input_path_outside_roots');
    await expectCode(loadImageInput(join(directory, 'link.png'), 'path', 'image', context()), 'input_path_outside_roots');
  });

  it('refuses missing files, directories and non-images with distinct codes', async () => {
    await expectCode(loadImageInput(join(directory, 'nope.png'), 'path', 'image', context()), 'input_path_not_found');
    await expectCode(loadImageInput(join(directory, 'folder.png'), 'path', 'image', context()), 'input_path_not_file');
    await expectCode(loadImageInput(join(directory, 'notes.txt'), 'path', 'image', context()), 'input_format_unsupported', /expected PNG, JPEG/);
  });

  it('refuses path inputs on a non-loopback bind unless roots were given explicitly', async () => {
    await expectCode(loadImageInput(join(directory, 'photo.png'), 'path', 'image', context({ rootsExplicit: false }, '0.0.0.0')), 'input_path_roots_required');
    await expect(loadImageInput(join(directory, 'photo.png'), 'path', 'image', context({ rootsExplicit: true }, '0.0.0.0'))).resolves.toMatchObject({ width: 64 });
  });

  it('refuses files over the byte cap before reading them', async () => {
    await expectCode(loadImageInput(join(directory, 'photo.png'), 'path', 'image', context({ maxBytes: 100 })), 'input_too_large');
  });
});

describe('base64 inputs', () => {
  it('accepts bare base64, data URIs and whitespace', async () => {
    const bare = png.toString('base64');
    expect(decodeBase64Input(bare, { parameter: 'image', maxBytes: 1e7 }).equals(png)).toBe(true);
    expect(decodeBase64Input(`data:image/png;base64,${bare}`, { parameter: 'image', maxBytes: 1e7 }).equals(png)).toBe(true);
    expect(decodeBase64Input(bare.replace(/(.{60})/g, '$1\n'), { parameter: 'image', maxBytes: 1e7 }).equals(png)).toBe(true);
  });

  it('refuses characters outside the alphabet, malformed data URIs and empty input', async () => {
    await expectCode(loadImageInput('abc$def', 'base64', 'image', context()), 'input_base64_invalid', /"\$"/);
    await expectCode(loadImageInput('data:image/png,abc', 'base64', 'image', context()), 'input_base64_invalid', /data:image\/png;base64/);
    await expectCode(loadImageInput('   ', 'base64', 'image', context()), 'input_base64_invalid');
    await expectCode(loadImageInput(Buffer.from('plain text').toString('base64'), 'base64', 'image', context()), 'input_format_unsupported');
  });

  it('keeps the hash computed while the body arrived only while the bytes are the ones hashed', async () => {
    const asIs = new DecodedBase64(png, png.toString('base64').length, 'a'.repeat(64));
    expect((await loadImageInput(asIs, 'base64', 'image', context())).sha256).toBe('a'.repeat(64));
    // An EXIF rotation makes new bytes: the old hash must not name them.
    const sideways = await sharp(await makePhotoLikeImage(80, 40)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const rotated = await loadImageInput(new DecodedBase64(sideways, sideways.toString('base64').length, 'b'.repeat(64)), 'base64', 'image', context());
    expect(rotated.bytes.equals(sideways)).toBe(false);
    expect(rotated.sha256).toBeUndefined();
  });

  it('refuses oversized payloads from their encoded length', async () => {
    await expectCode(loadImageInput('A'.repeat(4_000_000), 'base64', 'image', context({ maxBytes: 1000 })), 'input_too_large');
  });
});

describe('image checks', () => {
  it('refuses a decompression bomb from its header, before decoding', async () => {
    const bomb = makeHugeHeaderPng(30000, 30000);
    expect(bomb.length).toBeLessThan(200);
    await expectCode(loadImageInput(bomb.toString('base64'), 'base64', 'image', context()), 'input_pixels_exceeded', /30000×30000 = 900000000 pixels/);
  });

  it('refuses a truncated image', async () => {
    await expectCode(loadImageInput(png.subarray(0, 20).toString('base64'), 'base64', 'image', context()), 'input_image_corrupt');
  });

  it('applies EXIF orientation, so a portrait photo stored sideways comes out portrait', async () => {
    const sideways = await sharp(await makePhotoLikeImage(80, 40)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const loaded = await loadImageInput(sideways.toString('base64'), 'base64', 'image', context());
    expect([loaded.width, loaded.height]).toEqual([40, 80]);
    expect((await sharp(loaded.bytes).metadata()).orientation ?? 1).toBe(1);
  });

  it('names the image_type problem with the AOG wording', async () => {
    await expectCode(loadImageInput('x', 'file', 'image', context()), 'image_type_invalid', /unsupported image type: image_type must be one of path, url, base64/);
  });
});

describe('url inputs', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  beforeAll(async () => {
    server = await startLocalServer((request, response) => {
      if (request.url === '/photo.png') return response.end(png);
      if (request.url === '/redirect') return response.writeHead(302, { location: '/photo.png' }).end();
      if (request.url === '/loop') return response.writeHead(302, { location: '/loop' }).end();
      if (request.url === '/missing') return response.writeHead(404).end();
      if (request.url === '/slow') return setTimeout(() => response.end(png), 3000);
      if (request.url === '/big') return response.end(Buffer.alloc(3 * 1024 * 1024));
      response.writeHead(500).end();
    });
  });
  afterAll(() => server.close());

  it('refuses loopback URLs by default, by literal address and by name', async () => {
    await expectCode(loadImageInput(`${server.url}/photo.png`, 'url', 'image', context()), 'input_url_forbidden_address', /127\.0\.0\.1, a loopback address/);
    await expectCode(loadImageInput(`${server.url.replace('127.0.0.1', 'localhost')}/photo.png`, 'url', 'image', context()), 'input_url_forbidden_address');
  });

  it('refuses metadata and private literals, including IPv4-mapped IPv6', async () => {
    await expectCode(loadImageInput('http://169.254.169.254/latest/meta-data', 'url', 'image', context()), 'input_url_forbidden_address', /cloud-metadata/);
    await expectCode(loadImageInput('http://[::ffff:10.0.0.1]/x.png', 'url', 'image', context()), 'input_url_forbidden_address', /private/);
  });

  it('downloads and follows redirects when private URLs are allowed', async () => {
    const loaded = await loadImageInput(`${server.url}/redirect`, 'url', 'image', context({ allowPrivateUrls: true }));
    expect(loaded).toMatchObject({ format: 'png', width: 64 });
  });

  it('stops redirect loops, byte floods, slow servers and error statuses', async () => {
    await expectCode(loadImageInput(`${server.url}/loop`, 'url', 'image', context({ allowPrivateUrls: true })), 'input_url_too_many_redirects', /more than 5 times/);
    await expectCode(loadImageInput(`${server.url}/big`, 'url', 'image', context({ allowPrivateUrls: true })), 'input_too_large');
    await expectCode(loadImageInput(`${server.url}/slow`, 'url', 'image', context({ allowPrivateUrls: true, urlTimeoutMilliseconds: 300 })), 'input_url_timeout');
    await expectCode(loadImageInput(`${server.url}/missing`, 'url', 'image', context({ allowPrivateUrls: true })), 'input_url_fetch_failed', /HTTP 404/);
  });

  it('refuses non-http schemes', async () => {
    await expectCode(loadImageInput('file:///etc/passwd', 'url', 'image', context()), 'input_url_invalid', /a file: URL/);
    await expectCode(loadImageInput('not a url', 'url', 'image', context()), 'input_url_invalid');
  });
});

describe('address policy', () => {
  it('classifies the ranges a URL must not reach', () => {
    expect(classifyAddress('8.8.8.8')).toBeUndefined();
    expect(classifyAddress('2606:4700::1111')).toBeUndefined();
    expect(classifyAddress('127.1.2.3')).toBe('loopback');
    expect(classifyAddress('::1')).toBe('loopback');
    expect(classifyAddress('10.1.1.1')).toBe('private');
    expect(classifyAddress('172.31.0.1')).toBe('private');
    expect(classifyAddress('192.168.1.1')).toBe('private');
    expect(classifyAddress('100.64.0.1')).toBe('CGNAT');
    expect(classifyAddress('169.254.1.1')).toBe('link-local');
    expect(classifyAddress('169.254.169.254')).toBe('cloud-metadata');
    expect(classifyAddress('fe80::1')).toBe('link-local');
    expect(classifyAddress('fd12::1')).toBe('private');
    expect(classifyAddress('::ffff:127.0.0.1')).toBe('loopback');
    expect(classifyAddress('::ffff:7f00:1')).toBe('loopback');
    expect(classifyAddress('0.0.0.0')).toBe('unspecified');
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
  });
});

function makeBmp(width: number, height: number): Buffer {
  const rowSize = Math.ceil((width * 3) / 4) * 4;
  const data = Buffer.alloc(rowSize * height, 0x80);
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'ascii');
  header.writeUInt32LE(54 + data.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(data.length, 34);
  return Buffer.concat([header, data]);
}
