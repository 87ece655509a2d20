import { afterAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { RawImage } from '../raw-image.ts';
import { WorkerPool } from '../workers/worker-pool.ts';
import { runMaskedEdit } from './index.ts';
import { srgbToLab } from './recolour.ts';

const width = 192;
const height = 144;
const pool = new WorkerPool(2);
afterAll(() => pool.close());

/** Gradients, a smooth texture and deterministic noise: something PatchMatch can copy and Telea can smooth. */
function texturedImage(channels: 3 | 4 = 3): RawImage {
  const data = new Uint8Array(width * height * channels);
  let state = 0x9e3779b9;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const noise = (state / 4294967296 - 0.5) * 16;
      const texture = 20 * Math.sin(x / 5) * Math.sin(y / 7);
      const index = (y * width + x) * channels;
      data[index] = clamp(60 + (x / width) * 80 + texture + noise);
      data[index + 1] = clamp(110 + (y / height) * 60 + texture + noise);
      data[index + 2] = clamp(150 - (x / width) * 40 + texture * 0.5 + noise);
      if (channels === 4) data[index + 3] = 128 + ((x + y) % 128);
    }
  }
  return { data, width, height, channels };
}

function clamp(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}

function rectangleMask(left: number, top: number, rectangleWidth: number, rectangleHeight: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = top; y < top + rectangleHeight; y++) mask.fill(255, y * width + left, y * width + left + rectangleWidth);
  return mask;
}

/** A wavy stroke 5 px wide: thin enough for Telea. */
function strokeMask(): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let x = 20; x < 170; x++) {
    const centre = Math.round(70 + 15 * Math.sin(x / 20));
    for (let y = centre - 2; y <= centre + 2; y++) mask[y * width + x] = 255;
  }
  return mask;
}

/** Paints `colour` into the image wherever the mask edits (the object to remove). */
function paintObject(image: RawImage, mask: Uint8Array, colour: readonly number[]): RawImage {
  const data = Uint8Array.from(image.data);
  for (let pixel = 0; pixel < mask.length; pixel++) if (mask[pixel] === 255) for (let channel = 0; channel < colour.length; channel++) data[pixel * image.channels + channel] = colour[channel];
  return { ...image, data };
}

function expectOutsideUnchanged(input: RawImage, output: RawImage, mask: Uint8Array): void {
  expect(output.width).toBe(input.width);
  expect(output.height).toBe(input.height);
  expect(output.channels).toBe(input.channels);
  let differing = 0;
  for (let pixel = 0; pixel < mask.length; pixel++) {
    if (mask[pixel] !== 0) continue;
    for (let channel = 0; channel < input.channels; channel++) if (output.data[pixel * input.channels + channel] !== input.data[pixel * input.channels + channel]) differing++;
  }
  expect(differing).toBe(0);
}

/** Mean RGB over the masked pixels, and over a ring of `ringWidth` pixels around the mask's bounding box. */
function insideAndRingMeans(image: RawImage, mask: Uint8Array, ringWidth = 8): { inside: number[]; ring: number[] } {
  let left = width;
  let right = 0;
  let top = height;
  let bottom = 0;
  for (let pixel = 0; pixel < mask.length; pixel++) {
    if (mask[pixel] === 0) continue;
    const x = pixel % width;
    const y = Math.floor(pixel / width);
    left = Math.min(left, x);
    right = Math.max(right, x);
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
  }
  const inside = [0, 0, 0];
  const ring = [0, 0, 0];
  let insideCount = 0;
  let ringCount = 0;
  for (let y = Math.max(0, top - ringWidth); y <= Math.min(height - 1, bottom + ringWidth); y++) {
    for (let x = Math.max(0, left - ringWidth); x <= Math.min(width - 1, right + ringWidth); x++) {
      const pixel = y * width + x;
      const sums = mask[pixel] !== 0 ? inside : ring;
      for (let channel = 0; channel < 3; channel++) sums[channel] += image.data[pixel * image.channels + channel];
      if (mask[pixel] !== 0) insideCount++;
      else ringCount++;
    }
  }
  return { inside: inside.map((sum) => sum / insideCount), ring: ring.map((sum) => sum / ringCount) };
}

function countReddish(image: RawImage, mask: Uint8Array): number {
  let count = 0;
  for (let pixel = 0; pixel < mask.length; pixel++) {
    if (mask[pixel] === 0) continue;
    const index = pixel * image.channels;
    if (image.data[index] > 150 && image.data[index + 1] < 90 && image.data[index + 2] < 90) count++;
  }
  return count;
}

describe('runMaskedEdit: removal', () => {
  const background = texturedImage();
  const squareMask = rectangleMask(76, 52, 40, 36);
  const withRedSquare = paintObject(background, squareMask, [230, 20, 25]);

  it('removes a red square with PatchMatch: the hole takes the surroundings’ colour, no red is left, the outside is untouched', async () => {
    const result = await runMaskedEdit({ image: withRedSquare, mask: squareMask, prompt: 'remove the red box', seed: 11, pool });
    expect(result.applied).toEqual(['inpaint:patchmatch']);
    expect(result.warnings).toEqual([]);
    expectOutsideUnchanged(withRedSquare, result.image, squareMask);
    expect(countReddish(result.image, squareMask)).toBe(0);
    const { inside, ring } = insideAndRingMeans(result.image, squareMask);
    for (let channel = 0; channel < 3; channel++) expect(Math.abs(inside[channel] - ring[channel])).toBeLessThan(15);
  });

  it('fills a thin stroke with Telea (Chinese prompt)', async () => {
    const mask = strokeMask();
    const scribbled = paintObject(background, mask, [250, 250, 0]);
    const result = await runMaskedEdit({ image: scribbled, mask, prompt: '擦除这条线', seed: 1, pool });
    expect(result.applied).toEqual(['inpaint:telea']);
    expectOutsideUnchanged(scribbled, result.image, mask);
    // Every filled pixel is close to the clean background it replaced (the texture is smooth at this scale).
    let worst = 0;
    for (let pixel = 0; pixel < mask.length; pixel++) {
      if (mask[pixel] === 0) continue;
      for (let channel = 0; channel < 3; channel++) worst = Math.max(worst, Math.abs(result.image.data[pixel * 3 + channel] - background.data[pixel * 3 + channel]));
    }
    expect(worst).toBeLessThan(40);
  });

  it('uses Telea for the strokes and PatchMatch for the object when one mask has both', async () => {
    const mask = strokeMask();
    const square = rectangleMask(130, 105, 30, 30);
    for (let pixel = 0; pixel < mask.length; pixel++) mask[pixel] |= square[pixel];
    const result = await runMaskedEdit({ image: paintObject(background, mask, [230, 20, 25]), mask, prompt: 'remove', seed: 2, pool });
    expect(result.applied).toEqual(['inpaint:telea', 'inpaint:patchmatch']);
    expect(countReddish(result.image, mask)).toBe(0);
  });

  it('falls back to Telea, with a warning, when the hole leaves too little texture to copy from', async () => {
    const side = 30;
    const small: RawImage = { data: new Uint8Array(side * side * 3).map((_, index) => 80 + (index % 90)), width: side, height: side, channels: 3 };
    const mask = new Uint8Array(side * side);
    for (let y = 5; y < 25; y++) mask.fill(255, y * side + 5, y * side + 25);
    const result = await runMaskedEdit({ image: small, mask, prompt: 'remove', seed: 1, pool });
    expect(result.applied).toEqual(['inpaint:telea']);
    expect(result.warnings[0]).toMatchObject({ type: 'other', feature: 'mask' });
    expectOutsideUnchanged(small, result.image, mask);
  });

  it('gives the same bytes for the same seed', async () => {
    const first = await runMaskedEdit({ image: withRedSquare, mask: squareMask, prompt: 'remove', seed: 99, pool });
    const second = await runMaskedEdit({ image: withRedSquare, mask: squareMask, prompt: 'remove', seed: 99, pool });
    expect(Buffer.from(second.image.data).equals(Buffer.from(first.image.data))).toBe(true);
  });

  it('keeps every byte outside the mask of an RGBA image, alpha included', async () => {
    const rgba = paintObject(texturedImage(4), squareMask, [230, 20, 25, 255]);
    const result = await runMaskedEdit({ image: rgba, mask: squareMask, prompt: 'erase', seed: 5, pool });
    expect(result.image.channels).toBe(4);
    expectOutsideUnchanged(rgba, result.image, squareMask);
    expect(countReddish(result.image, squareMask)).toBe(0);
  });

  it('falls back to removal with a warning when there is no prompt and no style', async () => {
    const result = await runMaskedEdit({ image: withRedSquare, mask: squareMask, seed: 3, pool });
    expect(result.applied).toEqual(['inpaint:patchmatch']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ type: 'fallback', feature: 'prompt' });
    expect(result.warnings[0].details).toContain('No prompt');
    expectOutsideUnchanged(withRedSquare, result.image, squareMask);
  });

  it('warns that generating new content is not possible, and fills instead', async () => {
    const result = await runMaskedEdit({ image: withRedSquare, mask: squareMask, prompt: 'add a hat', seed: 3, pool });
    expect(result.warnings.map((warning) => `${warning.type}:${warning.feature}`)).toEqual(['fallback:prompt', 'unsupported:prompt']);
    expect(result.warnings[1].details).toContain('add a hat');
    expect(countReddish(result.image, squareMask)).toBe(0);
  });
});

describe('runMaskedEdit: recolour', () => {
  it('shifts the hue inside the mask and keeps its luminance structure', async () => {
    const image = texturedImage();
    const mask = rectangleMask(40, 30, 100, 80);
    for (const prompt of ['make it red', '变成红色']) {
      const result = await runMaskedEdit({ image, mask, prompt, seed: 1, pool });
      expect(result.applied).toEqual(['recolour:red']);
      expectOutsideUnchanged(image, result.image, mask);
      const before: number[] = [];
      const after: number[] = [];
      const lab = [0, 0, 0];
      let hueSum = 0;
      let chromaSum = 0;
      for (let pixel = 0; pixel < mask.length; pixel++) {
        if (mask[pixel] === 0) continue;
        srgbToLab(image.data[pixel * 3], image.data[pixel * 3 + 1], image.data[pixel * 3 + 2], lab);
        before.push(lab[0]);
        srgbToLab(result.image.data[pixel * 3], result.image.data[pixel * 3 + 1], result.image.data[pixel * 3 + 2], lab);
        after.push(lab[0]);
        hueSum += Math.atan2(lab[2], lab[1]);
        chromaSum += Math.hypot(lab[1], lab[2]);
      }
      const meanHueDegrees = ((hueSum / before.length) * 180) / Math.PI;
      // Red sits at a CIELAB hue angle of about 30–45°; the input (blue-green) at about 200–250°.
      expect(meanHueDegrees).toBeGreaterThan(20);
      expect(meanHueDegrees).toBeLessThan(50);
      expect(chromaSum / before.length).toBeGreaterThan(35);
      expect(correlation(before, after)).toBeGreaterThan(0.95);
    }
  });

  it('makes "light blue" lighter than "dark blue"', async () => {
    const image = texturedImage();
    const mask = rectangleMask(40, 30, 60, 60);
    const meanLightness = async (prompt: string): Promise<number> => {
      const result = await runMaskedEdit({ image, mask, prompt, seed: 1, pool });
      const lab = [0, 0, 0];
      let sum = 0;
      let count = 0;
      for (let pixel = 0; pixel < mask.length; pixel++) {
        if (mask[pixel] === 0) continue;
        srgbToLab(result.image.data[pixel * 3], result.image.data[pixel * 3 + 1], result.image.data[pixel * 3 + 2], lab);
        sum += lab[0];
        count++;
      }
      return sum / count;
    };
    expect(await meanLightness('turn it light blue')).toBeGreaterThan((await meanLightness('turn it dark blue')) + 10);
  });
});

function correlation(first: number[], second: number[]): number {
  const mean = (values: number[]): number => values.reduce((total, value) => total + value, 0) / values.length;
  const firstMean = mean(first);
  const secondMean = mean(second);
  let covariance = 0;
  let firstVariance = 0;
  let secondVariance = 0;
  for (let index = 0; index < first.length; index++) {
    covariance += (first[index] - firstMean) * (second[index] - secondMean);
    firstVariance += (first[index] - firstMean) ** 2;
    secondVariance += (second[index] - secondMean) ** 2;
  }
  return covariance / Math.sqrt(firstVariance * secondVariance);
}

describe('runMaskedEdit: style inside the mask', () => {
  const invert = async (image: RawImage): Promise<RawImage> => ({ ...image, data: image.data.map((value) => 255 - value) });

  it('applies the rendering only inside the mask, feathered inwards', async () => {
    const image = texturedImage();
    const mask = rectangleMask(50, 40, 60, 50);
    const result = await runMaskedEdit({ image, mask, prompt: 'watercolor', seed: 1, pool, renderStyled: invert });
    expect(result.applied).toEqual(['masked-style']);
    expect(result.warnings).toEqual([]);
    expectOutsideUnchanged(image, result.image, mask);
    const centre = (65 * width + 80) * 3;
    expect(result.image.data[centre]).toBe(255 - image.data[centre]);
    // The mask's first column is a blend, strictly between the original and the full effect.
    const edge = (65 * width + 50) * 3;
    const original = image.data[edge];
    const styled = 255 - original;
    expect(Math.abs(result.image.data[edge] - original)).toBeGreaterThan(0);
    expect(Math.abs(result.image.data[edge] - original)).toBeLessThan(Math.abs(styled - original));
  });

  it('keeps the original alpha when the rendering has none', async () => {
    const image = texturedImage(4);
    const mask = rectangleMask(50, 40, 60, 50);
    const toRgb = async (input: RawImage): Promise<RawImage> => {
      const data = new Uint8Array(input.width * input.height * 3);
      for (let pixel = 0; pixel < input.width * input.height; pixel++) for (let channel = 0; channel < 3; channel++) data[pixel * 3 + channel] = 255 - input.data[pixel * 4 + channel];
      return { data, width: input.width, height: input.height, channels: 3 };
    };
    const result = await runMaskedEdit({ image, mask, prompt: 'sketch', seed: 1, pool, renderStyled: toRgb });
    expectOutsideUnchanged(image, result.image, mask);
    const centre = (65 * width + 80) * 4;
    expect(result.image.data[centre]).toBe(255 - image.data[centre]);
    expect(result.image.data[centre + 3]).toBe(image.data[centre + 3]);
  });

  it('prefers removal over a style when the prompt asks to remove, and says so', async () => {
    const image = texturedImage();
    const mask = rectangleMask(50, 40, 30, 30);
    const result = await runMaskedEdit({ image, mask, prompt: 'remove it', seed: 1, pool, renderStyled: invert });
    expect(result.applied).toEqual(['inpaint:patchmatch']);
    expect(result.warnings[0]).toMatchObject({ type: 'unsupported', feature: 'prompt' });
  });
});

describe('runMaskedEdit: refusals', () => {
  const image = texturedImage();

  async function gatewayErrorOf(promise: Promise<unknown>): Promise<GatewayError> {
    const error = await promise.then(() => undefined, (reason: unknown) => reason);
    if (!GatewayError.isInstance(error)) throw new Error(`expected a GatewayError, got ${String(error)}`);
    return error;
  }

  it('refuses an empty mask, a mask of the wrong size and a mask covering everything', async () => {
    expect((await gatewayErrorOf(runMaskedEdit({ image, mask: new Uint8Array(width * height), seed: 1, pool }))).code).toBe('mask_empty');
    const wrongSize = await gatewayErrorOf(runMaskedEdit({ image, mask: new Uint8Array(10), seed: 1, pool }));
    expect(wrongSize.code).toBe('engine_failed');
    expect(wrongSize.message).toContain(`${width}×${height}`);
    const everything = await gatewayErrorOf(runMaskedEdit({ image, mask: new Uint8Array(width * height).fill(255), prompt: 'remove', seed: 1, pool }));
    expect(everything.code).toBe('parameter_invalid');
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    await expect(runMaskedEdit({ image, mask: rectangleMask(10, 10, 20, 20), prompt: 'remove', seed: 1, pool, signal: controller.signal })).rejects.toThrow('client went away');
  });
});
