/**
 * Security review of image decoding at the input boundary: files whose header lies about their size, formats sharp
 * would render but Atelier must not accept (SVG with external references), and Atelier's own BMP decoder, which
 * runs on the main thread and must not expand a tiny file into a huge image.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { InputSettings } from '../config/settings.ts';
import { decodeImage } from '../engine/decode-image.ts';
import { inspectImage, loadImageInput, type InputContext } from './load-image-input.ts';

const context = (overrides: Partial<InputSettings> = {}): InputContext => ({
  settings: {
    roots: [], rootsExplicit: true, allowPrivateUrls: false, maxBytes: 2 * 1024 * 1024, maxPixels: 64_000_000,
    urlTimeoutMilliseconds: 2000, maxRedirects: 5, ...overrides,
  },
  serverHost: '127.0.0.1',
});
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as { code?: string; message: string });

/** A BMP header (BITMAPINFOHEADER) with no pixel data behind it. */
function bmpHeader(width: number, height: number, bitsPerPixel: number): Buffer {
  const header = Buffer.alloc(58);
  header.write('BM', 0, 'ascii');
  header.writeUInt32LE(header.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(bitsPerPixel, 28);
  header.writeUInt32LE(1, 46); // one palette entry, in the four bytes after the header
  return header;
}

describe('BMP: the file must hold the pixels its header declares', () => {
  it('refuses 0 bits per pixel, which would turn a 58-byte file into a 64-megapixel image', async () => {
    const started = Date.now();
    const error = await failure(inspectImage(bmpHeader(8000, 8000, 0), 'image', 64_000_000));
    expect(error?.code).toBe('input_image_corrupt');
    expect(error?.message).toMatch(/bits per pixel/);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it.each([3, 5, 7, 12])('refuses %i bits per pixel, a depth no BMP writer produces, even with its pixel data present', async (bitsPerPixel) => {
    const rows = Buffer.alloc(Math.ceil((64 * bitsPerPixel) / 32) * 4 * 64, 0x5a);
    const error = await failure(inspectImage(Buffer.concat([bmpHeader(64, 64, bitsPerPixel), rows]), 'image', 64_000_000));
    expect(error?.code).toBe('input_image_corrupt');
  });
});

describe('formats and headers that lie', () => {
  const svg = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
      + '<image xlink:href="file:///etc/passwd" width="10" height="10"/><image href="http://169.254.169.254/x.png"/></svg>',
  );

  it('never hands SVG to sharp (it would render it), as image or as mask', async () => {
    expect((await failure(loadImageInput(svg.toString('base64'), 'base64', 'image', context())))?.code).toBe('input_format_unsupported');
    expect((await failure(loadImageInput(svg.toString('base64'), 'base64', 'mask', context())))?.code).toBe('input_format_unsupported');
    const prefixed = Buffer.concat([Buffer.from('<?xml version="1.0"?>\n'), svg]);
    expect((await failure(loadImageInput(prefixed.toString('base64'), 'base64', 'image', context())))?.code).toBe('input_format_unsupported');
  });

  it('judges a GIF by its largest frame, not a small logical screen', async () => {
    const gif = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#808080' } }).gif().toBuffer();
    const lying = Buffer.from(gif);
    lying.writeUInt16LE(10, 6);
    lying.writeUInt16LE(10, 8);
    expect((await failure(inspectImage(lying, 'image', 1_000_000)))?.code).toBe('input_pixels_exceeded');
  });

  it('refuses an AVIF whose declared size (ispe) is smaller than its picture, without decoding the picture', async () => {
    const avif = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#808080' } }).avif({ quality: 30, effort: 0 }).toBuffer();
    const ispe = avif.indexOf(Buffer.from('ispe'));
    expect(ispe).toBeGreaterThan(0);
    const lying = Buffer.from(avif);
    lying.writeUInt32BE(10, ispe + 8);
    lying.writeUInt32BE(10, ispe + 12);
    expect((await failure(decodeImage(lying, 1_000_000)))?.code).toBe('input_image_corrupt');
  });
});
