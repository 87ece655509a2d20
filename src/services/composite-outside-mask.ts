import sharp from 'sharp';
import { GatewayError } from '../errors/gateway-error.ts';
import type { GenerationOutput } from '../providers/spec/generation-call.ts';

/** Largest provider result decoded for compositing: 64 MP (an 8K square), well above any provider's output. */
const resultPixelLimit = 64_000_000;

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
  provider: string,
): Promise<{ output: GenerationOutput; resized: boolean }> {
  const { width, height } = size;
  let resized: boolean;
  let editedPixels: Buffer;
  try {
    // The result is the provider's file: decoded under the same pixel limit as an input, never sharp's 268 MP.
    const edited = () => sharp(output.bytes, { limitInputPixels: resultPixelLimit, failOn: 'error' });
    const outputInfo = await edited().metadata();
    resized = outputInfo.width !== width || outputInfo.height !== height;
    editedPixels = await edited().resize(width, height, { fit: 'fill' }).ensureAlpha().raw().toBuffer();
  } catch {
    // Billed and deterministic: downloading the same file again would fail the same way.
    throw new GatewayError('upstream_bad_response', { provider, reason: `its inpainting result (${output.mediaType}) could not be decoded to put the pixels outside the mask back` }, { retryable: false });
  }
  const [originalPixels, maskPixels] = await Promise.all([
    sharp(original).ensureAlpha().raw().toBuffer(),
    sharp(canonicalMask).extractChannel(0).raw().toBuffer(),
  ]);
  const result = Buffer.from(originalPixels);
  for (let pixel = 0; pixel < maskPixels.length; pixel++) {
    if (maskPixels[pixel] >= 128) editedPixels.copy(result, pixel * 4, pixel * 4, pixel * 4 + 4);
  }
  const bytes = await sharp(result, { raw: { width, height, channels: 4 } }).png().toBuffer();
  return { output: { bytes, mediaType: 'image/png' }, resized };
}
