import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeHugeHeaderPng } from '../../test/support/test-images.ts';
import { compositeOutsideMask } from './composite-outside-mask.ts';

describe('compositeOutsideMask', () => {
  it('keeps every pixel outside the mask bit-identical and takes the provider\'s pixels inside', async () => {
    const width = 40;
    const height = 30;
    const originalRaw = Buffer.alloc(width * height * 3);
    for (let index = 0; index < originalRaw.length; index++) originalRaw[index] = (index * 37) % 256;
    const original = await sharp(originalRaw, { raw: { width, height, channels: 3 } }).png().toBuffer();
    const maskRaw = Buffer.alloc(width * height);
    for (let y = 10; y < 20; y++) for (let x = 10; x < 30; x++) maskRaw[y * width + x] = 255;
    const mask = await sharp(maskRaw, { raw: { width, height, channels: 1 } }).png().toBuffer();
    // The "provider" changed everything and answered at twice the size, as JPEG.
    const edited = await sharp({ create: { width: 80, height: 60, channels: 3, background: { r: 0, g: 200, b: 0 } } }).jpeg().toBuffer();

    const { output, resized } = await compositeOutsideMask({ bytes: edited, mediaType: 'image/jpeg' }, original, mask, { width, height }, 'aliyun');
    expect(resized).toBe(true);
    expect(output.mediaType).toBe('image/png');
    const pixels = await sharp(output.bytes).removeAlpha().raw().toBuffer();
    for (let pixel = 0; pixel < width * height; pixel++) {
      const rgb = [pixels[pixel * 3], pixels[pixel * 3 + 1], pixels[pixel * 3 + 2]];
      if (maskRaw[pixel]) expect(rgb[1]).toBeGreaterThan(150);
      else expect(rgb).toEqual([originalRaw[pixel * 3], originalRaw[pixel * 3 + 1], originalRaw[pixel * 3 + 2]]);
    }
  });

  it('refuses a result it cannot decode, or one past the pixel limit, as the provider\'s bad answer that no retry fixes', async () => {
    const original = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).png().toBuffer();
    const mask = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).png().toBuffer();
    // A BMP (sniffed as an image, not decodable by sharp) and a PNG header declaring 20000×20000 pixels.
    const bmp = Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]);
    const bomb = makeHugeHeaderPng(20_000, 20_000);
    for (const result of [{ bytes: bmp, mediaType: 'image/bmp' }, { bytes: bomb, mediaType: 'image/png' }]) {
      const error = await compositeOutsideMask(result, original, mask, { width: 8, height: 8 }, 'aliyun').then(() => undefined, (caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'upstream_bad_response', retryable: false });
      expect((error as Error).message).toContain('aliyun');
    }
  });
});
