import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { testImage, testMask } from '../../../test/fakes/generation-call-kit.ts';
import type { InputLimits } from '../spec/capabilities.ts';
import { adaptInputImage } from './adapt-input-image.ts';

const limits: InputLimits = { formats: ['jpeg', 'png', 'webp'], maxBytes: 10 * 1024 * 1024, minSide: 360, maxSide: 2000, alpha: 'flattened' };
const options = { target: 'Example model', allowChanges: true };

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
});
