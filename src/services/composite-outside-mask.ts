import sharp from 'sharp';
import type { GenerationOutput } from '../providers/spec/generation-call.ts';

/**
 * Puts the original pixels back outside the mask of a provider's inpainting result. No generative provider keeps
 * them untouched (users have measured millions of changed values under a "protect everything" mask), so Atelier
 * does it itself. The result is PNG, so the outside stays bit-identical. A result of another size is first scaled
 * to the input's size (`resized: true`, which the caller reports as a warning).
 */
export async function compositeOutsideMask(
  output: GenerationOutput,
  original: Buffer,
  canonicalMask: Buffer,
  size: { width: number; height: number },
): Promise<{ output: GenerationOutput; resized: boolean }> {
  const { width, height } = size;
  const outputInfo = await sharp(output.bytes).metadata();
  const resized = outputInfo.width !== width || outputInfo.height !== height;
  const [originalPixels, editedPixels, maskPixels] = await Promise.all([
    sharp(original).ensureAlpha().raw().toBuffer(),
    sharp(output.bytes).resize(width, height, { fit: 'fill' }).ensureAlpha().raw().toBuffer(),
    sharp(canonicalMask).extractChannel(0).raw().toBuffer(),
  ]);
  const result = Buffer.from(originalPixels);
  for (let pixel = 0; pixel < maskPixels.length; pixel++) {
    if (maskPixels[pixel] >= 128) editedPixels.copy(result, pixel * 4, pixel * 4, pixel * 4 + 4);
  }
  const bytes = await sharp(result, { raw: { width, height, channels: 4 } }).png().toBuffer();
  return { output: { bytes, mediaType: 'image/png' }, resized };
}
