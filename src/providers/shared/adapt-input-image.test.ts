import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { testImage, testMask } from '../../../test/fakes/generation-call-kit.ts';
import { expectQuadrantColours } from '../../../test/support/quadrant-colours.ts';
import type { InputLimits } from '../spec/capabilities.ts';
import type { ImageInput } from '../spec/generation-call.ts';
import { adaptInputImage } from './adapt-input-image.ts';

const limits: InputLimits = { formats: ['jpeg', 'png', 'webp'], maxBytes: 10 * 1024 * 1024, minSide: 360, maxSide: 2000, alpha: 'flattened' };
const options = { target: 'Example model', allowChanges: true };

/** A CMYK image in four quadrants: white, red, green, black (clockwise from top left), as a print workflow saves it. */
async function cmykQuadrants(width: number, height: number, format: 'jpeg' | 'tiff'): Promise<ImageInput> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = y < height / 2 ? (x < width / 2 ? [255, 255, 255] : [220, 40, 40]) : x < width / 2 ? [40, 160, 60] : [0, 0, 0];
      pixels.set(colour, (y * width + x) * 3);
    }
  }
  const cmyk = sharp(pixels, { raw: { width, height, channels: 3 } }).toColourspace('cmyk');
  const bytes = await (format === 'jpeg' ? cmyk.jpeg({ quality: 95 }) : cmyk.tiff()).toBuffer();
  return { bytes, mediaType: `image/${format}`, width, height, hasAlpha: false };
}

describe('adaptInputImage', () => {
  test('keeps the shorter side under maxShortSide and refuses an aspect ratio beyond maxAspectRatio', async () => {
    const portraitLimits: InputLimits = { formats: ['jpeg', 'png'], maxBytes: 10 * 1024 * 1024, minSide: 256, maxSide: 5760, maxShortSide: 3240, maxAspectRatio: 2, alpha: 'allowed' };
    const square = await adaptInputImage(await testImage(3400, 3400), undefined, portraitLimits, options);
    expect([square.image.width, square.image.height]).toEqual([3240, 3240]);
    expect(square.warnings[0].details).toMatch(/shorter side at most 3240 px/);
    await expect(adaptInputImage(await testImage(3400, 3400), undefined, portraitLimits, { ...options, allowChanges: false }))
      .rejects.toMatchObject({ code: 'provider_cannot_serve' });
    await expect(adaptInputImage(await testImage(2100, 1000), undefined, portraitLimits, options))
      .rejects.toMatchObject({ code: 'provider_cannot_serve', message: expect.stringMatching(/2:1 aspect ratio/) });
  });

  test('an input within limits is returned untouched (same bytes, no warning)', async () => {
    const image = await testImage(640, 480, { format: 'jpeg' });
    const adapted = await adaptInputImage(image, undefined, limits, options);
    expect(adapted.image).toBe(image);
    expect(adapted.warnings).toEqual([]);
  });

  test('too large: scaled down keeping the aspect ratio, mask resized with it', async () => {
    const image = await testImage(3000, 1500);
    const adapted = await adaptInputImage(image, await testMask(3000, 1500), { ...limits, alpha: 'allowed' }, options);
    expect([adapted.image.width, adapted.image.height]).toEqual([2000, 1000]);
    expect(await sharp(adapted.image.bytes).metadata()).toMatchObject({ width: 2000, height: 1000 });
    expect(await sharp(adapted.mask!.bytes).metadata()).toMatchObject({ width: 2000, height: 1000, channels: 1 });
    expect(adapted.warnings[0].details).toContain('3000×1500 is outside 360–2000 px per side');
  });

  test('alpha is flattened onto white when the model refuses alpha', async () => {
    const image = await testImage(400, 400, { alpha: true });
    const adapted = await adaptInputImage(image, undefined, limits, options);
    const metadata = await sharp(adapted.image.bytes).metadata();
    expect([metadata.hasAlpha, adapted.image.hasAlpha]).toEqual([false, false]);
    const { data } = await sharp(adapted.image.bytes).raw().toBuffer({ resolveWithObject: true });
    // The right half was 96/255 opaque: flattened onto white it is lighter than the unblended colour.
    expect(data[(10 * 400 + 390) * 3 + 2]).toBeGreaterThan(128);
    expect(adapted.warnings[0].details).toContain('flattened onto white');
  });

  test('a format the model does not read is re-encoded', async () => {
    const image = await testImage(400, 400, { format: 'webp' });
    const adapted = await adaptInputImage(image, undefined, { ...limits, formats: ['jpeg', 'png'] }, options);
    expect(adapted.image.mediaType).toBe('image/png');
    expect((await sharp(adapted.image.bytes).metadata()).format).toBe('png');
  });

  test('the base64 budget counts encoded size (Tencent-style limits)', async () => {
    const image = await testImage(400, 400);
    const budget = Math.ceil(image.bytes.length / 3) * 4 - 1;
    const adapted = await adaptInputImage(image, undefined, { ...limits, maxBytes: budget, alpha: 'allowed' }, { ...options, base64Budget: true });
    expect(Math.ceil(adapted.image.bytes.length / 3) * 4).toBeLessThanOrEqual(budget);
    expect(adapted.warnings).toHaveLength(1);
  });

  test('allowChanges false: a 400 naming every problem, nothing changed', async () => {
    const image = await testImage(200, 200, { alpha: true });
    await expect(adaptInputImage(image, undefined, limits, { ...options, allowChanges: false }))
      .rejects.toThrow("Example model cannot serve this request: the input image does not meet the model's limits: 200×200 is outside 360–2000 px per side; the image has an alpha channel, which the model does not accept");
  });

  test('an aspect ratio no scale can fit is refused, not distorted', async () => {
    const image = await testImage(4000, 300);
    await expect(adaptInputImage(image, undefined, limits, options)).rejects.toThrow('aspect ratio too extreme');
  });

  test('a CMYK JPEG within limits is converted to sRGB and stays a JPEG, with the colours kept and a warning', async () => {
    const image = await cmykQuadrants(640, 480, 'jpeg');
    expect((await sharp(image.bytes).metadata()).space).toBe('cmyk');
    const adapted = await adaptInputImage(image, undefined, limits, options);
    const metadata = await sharp(adapted.image.bytes).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', space: 'srgb', channels: 3, width: 640, height: 480 });
    expect(adapted.image).toMatchObject({ mediaType: 'image/jpeg', width: 640, height: 480, hasAlpha: false });
    await expectQuadrantColours(adapted.image.bytes);
    expect(adapted.warnings).toEqual([{
      type: 'substituted',
      feature: 'image',
      details: 'The input image was adapted for Example model: CMYK colour, which the provider may not decode; sent 640×480 JPEG converted to sRGB.',
    }]);
  });

  test('a CMYK image that also needs scaling is converted in the same pass, and the warning names both', async () => {
    const adapted = await adaptInputImage(await cmykQuadrants(3000, 1500, 'jpeg'), undefined, limits, options);
    expect(await sharp(adapted.image.bytes).metadata()).toMatchObject({ format: 'jpeg', space: 'srgb', width: 2000, height: 1000 });
    await expectQuadrantColours(adapted.image.bytes);
    expect(adapted.warnings[0].details).toBe('The input image was adapted for Example model: 3000×1500 is outside 360–2000 px per side; CMYK colour, which the provider may not decode; sent 2000×1000 JPEG converted to sRGB.');
  });

  test('a CMYK TIFF a model reads as TIFF is converted to sRGB (as PNG, like every TIFF Atelier re-encodes)', async () => {
    const adapted = await adaptInputImage(await cmykQuadrants(400, 400, 'tiff'), undefined, { ...limits, formats: ['jpeg', 'png', 'tiff'] }, options);
    expect(await sharp(adapted.image.bytes).metadata()).toMatchObject({ format: 'png', space: 'srgb' });
    expect(adapted.image.mediaType).toBe('image/png');
    await expectQuadrantColours(adapted.image.bytes);
    expect(adapted.warnings[0].details).toContain('CMYK colour, which the provider may not decode');
  });

  test('allowChanges false: a CMYK image within limits is sent byte for byte, with a warning that it is CMYK', async () => {
    const image = await cmykQuadrants(640, 480, 'jpeg');
    const adapted = await adaptInputImage(image, undefined, limits, { ...options, allowChanges: false });
    expect(adapted.image).toBe(image);
    expect(adapted.warnings).toEqual([{
      type: 'other',
      feature: 'image',
      details: 'The input image is in CMYK colour, which Example model may not decode; it was sent as is because adapt_input is false.',
    }]);
  });

  test('allowChanges false: a CMYK image outside the limits is refused for the limits it misses, CMYK not among them', async () => {
    const refusal = adaptInputImage(await cmykQuadrants(3000, 1500, 'jpeg'), undefined, limits, { ...options, allowChanges: false });
    await expect(refusal).rejects.toThrow("Example model cannot serve this request: the input image does not meet the model's limits: 3000×1500 is outside 360–2000 px per side");
    await expect(refusal).rejects.not.toThrow(/CMYK/);
  });
});
