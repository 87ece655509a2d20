import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { GenerationCall, ImageInput, MaskInput } from '../../src/providers/spec/generation-call.ts';
import type { CallContext } from '../../src/providers/spec/provider-model.ts';

/**
 * Builders for adapter tests: images made with sharp inside the test (tests never read /work/shared), canonical
 * masks, unified calls and call contexts.
 */

/** A gradient test image in the given format, as the input module would hand it over. */
export async function testImage(width: number, height: number, options: { format?: 'png' | 'jpeg' | 'webp'; alpha?: boolean } = {}): Promise<ImageInput> {
  const channels = options.alpha ? 4 : 3;
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const offset = (y * width + x) * channels;
      pixels[offset] = (x * 255) / Math.max(1, width - 1);
      pixels[offset + 1] = (y * 255) / Math.max(1, height - 1);
      pixels[offset + 2] = 128;
      if (options.alpha) pixels[offset + 3] = x < width / 2 ? 255 : 96;
    }
  }
  const format = options.format ?? 'png';
  const image = sharp(pixels, { raw: { width, height, channels } });
  const bytes = format === 'png' ? await image.png().toBuffer() : format === 'jpeg' ? await image.jpeg().toBuffer() : await image.webp().toBuffer();
  return { bytes, mediaType: `image/${format}`, width, height, hasAlpha: Boolean(options.alpha) && format !== 'jpeg' };
}

/** A canonical mask (single-channel PNG, white = edit): a white rectangle in the middle of a black field. */
export async function testMask(width: number, height: number): Promise<MaskInput> {
  const pixels = Buffer.alloc(width * height);
  for (let y = Math.floor(height / 4); y < Math.floor((3 * height) / 4); y += 1) {
    pixels.fill(255, y * width + Math.floor(width / 4), y * width + Math.floor((3 * width) / 4));
  }
  const bytes = await sharp(pixels, { raw: { width, height, channels: 1 } }).png().toBuffer();
  return { bytes, width, height };
}

/** A unified call with sensible defaults for `service` and `modelId`. */
export function testCall(image: ImageInput, overrides: Partial<GenerationCall> = {}): GenerationCall {
  return { service: 'image-to-image', modelId: 'test-model', image, n: 1, providerOptions: {}, ...overrides };
}

/** A call context that records progress and can be aborted. */
export function testContext(signal: AbortSignal = new AbortController().signal): CallContext & { progress: number[] } {
  const progress: number[] = [];
  return { signal, idempotencyKey: randomUUID(), onProgress: (percent) => progress.push(percent), progress };
}
