import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import type { ImageInput } from '../providers/spec/generation-call.ts';
import { createEngine } from './create-engine.ts';
import type { RawImage } from './raw-image.ts';
import { meanAbsoluteDifference } from './testing/image-measures.ts';
import { decodeTestImage, encodeTestImage, syntheticScene } from './testing/synthetic-scene.ts';

const engine = createEngine({ workers: 2 });
afterAll(() => engine.close());

const { image: scene } = syntheticScene(128, 96);

async function imageInput(raw: RawImage, format: 'png' | 'jpeg'): Promise<ImageInput> {
  return { bytes: await encodeTestImage(raw, format), mediaType: `image/${format}`, width: raw.width, height: raw.height, hasAlpha: raw.channels === 4 };
}

/** The scene with a left-to-right alpha ramp. */
function withAlphaRamp(raw: RawImage): RawImage {
  const data = new Uint8Array(raw.width * raw.height * 4);
  for (let pixel = 0; pixel < raw.width * raw.height; pixel++) {
    data.set(raw.data.subarray(pixel * 3, pixel * 3 + 3), pixel * 4);
    data[pixel * 4 + 3] = Math.round(((pixel % raw.width) / (raw.width - 1)) * 255);
  }
  return { data, width: raw.width, height: raw.height, channels: 4 };
}

async function expectGatewayError(promise: Promise<unknown>, code: string, messagePart?: string): Promise<GatewayError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(GatewayError.isInstance(error), `expected a GatewayError ${code}, got ${String(error)}`).toBe(true);
  const gatewayError = error as GatewayError;
  expect(gatewayError.code).toBe(code);
  if (messagePart) expect(gatewayError.message).toContain(messagePart);
  return gatewayError;
}

describe('createEngine().editImage', () => {
  it('understands the prompt, keeps the size and defaults JPEG in to JPEG out', async () => {
    const result = await engine.editImage({ image: await imageInput(scene, 'jpeg'), prompt: '改为油画风格', seed: 3, n: 1 });
    expect(result.applied).toEqual(['oil-painting']);
    expect(result.warnings).toEqual([]);
    expect(result.outputs).toHaveLength(1);
    const [output] = result.outputs;
    expect(output.mediaType).toBe('image/jpeg');
    expect(output.seed).toBe(3);
    expect({ width: output.width, height: output.height }).toEqual({ width: 128, height: 96 });
    const metadata = await sharp(output.bytes).metadata();
    expect({ format: metadata.format, width: metadata.width, height: metadata.height }).toEqual({ format: 'jpeg', width: 128, height: 96 });
  });

  it('applies a combined prompt in order', async () => {
    const result = await engine.editImage({ image: await imageInput(scene, 'png'), prompt: 'watercolor, brighter', seed: 1, n: 1 });
    expect(result.applied).toEqual(['watercolor', 'brighter']);
    expect(result.outputs[0].mediaType).toBe('image/png');
  });

  it('gives n different variations, each reproducible from its own seed with identical bytes', async () => {
    const image = await imageInput(scene, 'png');
    const result = await engine.editImage({ image, style: 'cartoon', seed: 40, n: 3 });
    expect(result.outputs.map((output) => output.seed)).toEqual([40, 41, 42]);
    const decoded = await Promise.all(result.outputs.map((output) => decodeTestImage(output.bytes)));
    expect(meanAbsoluteDifference(decoded[0], decoded[1])).toBeGreaterThan(1);
    expect(meanAbsoluteDifference(decoded[1], decoded[2])).toBeGreaterThan(1);
    const again = await engine.editImage({ image, style: 'cartoon', seed: 41, n: 1 });
    expect(Buffer.compare(again.outputs[0].bytes, result.outputs[1].bytes)).toBe(0);
  });

  it('picks and reports a seed when none is given', async () => {
    const result = await engine.editImage({ image: await imageInput(scene, 'png'), style: 'warmer', n: 2 });
    const [first, second] = result.outputs.map((output) => output.seed);
    expect(Number.isInteger(first)).toBe(true);
    expect(second).toBe(first + 1);
  });

  it('blends with the original by strength', async () => {
    const image = await imageInput(scene, 'png');
    const full = await decodeTestImage((await engine.editImage({ image, style: 'pop-art', seed: 2, n: 1 })).outputs[0].bytes);
    const half = await decodeTestImage((await engine.editImage({ image, style: 'pop-art', seed: 2, n: 1, strength: 0.5 })).outputs[0].bytes);
    const fullChange = meanAbsoluteDifference(full, scene);
    const halfChange = meanAbsoluteDifference(half, scene);
    expect(halfChange).toBeGreaterThan(fullChange * 0.4);
    expect(halfChange).toBeLessThan(fullChange * 0.6);
  });

  it('keeps alpha bit for bit in PNG and WebP output, and warns when JPEG has to flatten it', async () => {
    const rgba = withAlphaRamp(scene);
    const image = await imageInput(rgba, 'png');
    const png = await engine.editImage({ image, style: 'watercolor', seed: 1, n: 1 });
    expect(png.outputs[0].mediaType).toBe('image/png');
    const decoded = await decodeTestImage(png.outputs[0].bytes);
    expect(decoded.channels).toBe(4);
    for (let pixel = 0; pixel < rgba.width * rgba.height; pixel++) {
      if (decoded.data[pixel * 4 + 3] !== rgba.data[pixel * 4 + 3]) throw new Error(`alpha of pixel ${pixel} changed`);
    }
    const webp = await engine.editImage({ image, style: 'watercolor', seed: 1, n: 1, outputFormat: 'webp' });
    expect(webp.outputs[0].mediaType).toBe('image/webp');
    expect((await sharp(webp.outputs[0].bytes).metadata()).hasAlpha).toBe(true);
    const jpeg = await engine.editImage({ image, style: 'watercolor', seed: 1, n: 1, outputFormat: 'jpeg' });
    expect(jpeg.outputs[0].mediaType).toBe('image/jpeg');
    expect(jpeg.warnings).toEqual([expect.objectContaining({ type: 'unsupported', feature: 'alpha' })]);
  });

  it('falls back to the default enhancement with a warning for a prompt it does not understand', async () => {
    const result = await engine.editImage({ image: await imageInput(scene, 'png'), prompt: 'make it look like a dream', seed: 1, n: 1 });
    expect(result.applied).toEqual(['more-details', 'more-colours']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ type: 'fallback', feature: 'prompt' });
    expect(result.warnings[0].details).toContain('Understood: oil-painting');
  });

  it('applies EXIF orientation, so the output has the upright size', async () => {
    const rotated = await sharp(await encodeTestImage(scene, 'jpeg')).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const result = await engine.editImage({ image: { bytes: rotated, mediaType: 'image/jpeg', width: 128, height: 96, hasAlpha: false }, style: 'brighter', seed: 1, n: 1 });
    expect({ width: result.outputs[0].width, height: result.outputs[0].height }).toEqual({ width: 96, height: 128 });
  });

  it('decodes greyscale and 16-bit inputs to 8-bit colour of the same size', async () => {
    const grey = await sharp(scene.data, { raw: { width: 128, height: 96, channels: 3 } }).greyscale().png().toBuffer();
    const sixteenBit = await sharp(scene.data, { raw: { width: 128, height: 96, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
    for (const bytes of [grey, sixteenBit]) {
      const result = await engine.editImage({ image: { bytes, mediaType: 'image/png', width: 128, height: 96, hasAlpha: false }, style: 'warmer', seed: 1, n: 1 });
      const metadata = await sharp(result.outputs[0].bytes).metadata();
      expect({ width: metadata.width, height: metadata.height, channels: metadata.channels, depth: metadata.depth }).toEqual({ width: 128, height: 96, channels: 3, depth: 'uchar' });
    }
  });

  it('edits only inside a mask, leaving every outside pixel identical in PNG output', async () => {
    const mask = new Uint8Array(scene.width * scene.height);
    for (let y = 20; y < 60; y++) mask.fill(255, y * scene.width + 30, y * scene.width + 90);
    const maskPng = await sharp(mask, { raw: { width: scene.width, height: scene.height, channels: 1 } }).png().toBuffer();
    const result = await engine.editImage({
      image: await imageInput(scene, 'png'), mask: { bytes: maskPng, width: scene.width, height: scene.height },
      prompt: 'pencil sketch', seed: 1, n: 1,
    });
    expect(result.applied).toContain('pencil-sketch');
    const decoded = await decodeTestImage(result.outputs[0].bytes);
    let changedInside = 0;
    for (let pixel = 0; pixel < mask.length; pixel++) {
      const same = decoded.data[pixel * 3] === scene.data[pixel * 3] && decoded.data[pixel * 3 + 1] === scene.data[pixel * 3 + 1] && decoded.data[pixel * 3 + 2] === scene.data[pixel * 3 + 2];
      if (mask[pixel] === 0 && !same) throw new Error(`pixel ${pixel} outside the mask changed`);
      if (mask[pixel] === 255 && !same) changedInside++;
    }
    expect(changedInside).toBeGreaterThan(1000);
  });

  it('rejects a mask whose size differs from the image, naming both sizes', async () => {
    const maskPng = await sharp(new Uint8Array(100).fill(255), { raw: { width: 10, height: 10, channels: 1 } }).png().toBuffer();
    await expectGatewayError(
      engine.editImage({ image: await imageInput(scene, 'png'), mask: { bytes: maskPng, width: 10, height: 10 }, prompt: 'remove', n: 1 }),
      'mask_size_mismatch', 'mask is 10×10 but the image is 128×96',
    );
  });

  it('validates parameters without clamping them', async () => {
    const image = await imageInput(scene, 'png');
    await expectGatewayError(engine.editImage({ image, n: 1, strength: 0 }), 'parameter_invalid', 'Expected a number greater than 0 and at most 1 for strength but received 0 (number)');
    await expectGatewayError(engine.editImage({ image, n: 1, strength: 1.5 }), 'parameter_invalid', 'strength');
    await expectGatewayError(engine.editImage({ image, n: 0 }), 'parameter_invalid', 'Expected an integer between 1 and 4 for n');
    await expectGatewayError(engine.editImage({ image, n: 5 }), 'parameter_invalid', 'for n');
    await expectGatewayError(engine.editImage({ image, n: 2.5 }), 'parameter_invalid', 'for n');
    await expectGatewayError(engine.editImage({ image, n: 1, seed: -1 }), 'parameter_invalid', 'for seed');
    const unknown = await expectGatewayError(engine.editImage({ image, n: 1, style: 'cubism' }), 'style_unknown', 'but received "cubism"');
    expect(unknown.message).toContain('oil-painting, watercolor, cartoon, pencil-sketch');
  });

  it('refuses an image over the pixel limit before decoding it', async () => {
    const small = createEngine({ workers: 1, maxInputPixels: 1000 });
    try {
      await expectGatewayError(small.editImage({ image: await imageInput(scene, 'png'), n: 1 }), 'input_pixels_exceeded', '128×96 = 12288 pixels, more than the limit of 1000');
    } finally {
      await small.close();
    }
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    await expect(engine.editImage({ image: await imageInput(scene, 'png'), style: 'oil-painting', n: 1, signal: controller.signal })).rejects.toThrow('client went away');
  });

  it('reports progress up to 100', async () => {
    const progress: number[] = [];
    await engine.editImage({ image: await imageInput(scene, 'png'), style: 'brighter', n: 2, seed: 1, onProgress: (percent) => progress.push(percent) });
    expect(progress.sort((first, second) => first - second)).toEqual([50, 100]);
  });
});

describe('createEngine() listings', () => {
  it('lists the catalogue and the motions', () => {
    expect(engine.styles().map((style) => style.id)).toContain('oil-painting');
    expect(engine.motions().length).toBeGreaterThan(0);
  });

  it('rejects a non-positive worker count', () => {
    expect(() => createEngine({ workers: 0 })).toThrow('engine option workers must be a positive integer, got 0');
  });
});
