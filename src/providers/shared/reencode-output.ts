import sharp from 'sharp';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { GenerationOutput, OutputFormat } from '../spec/generation-call.ts';

/**
 * Re-encodes a provider's result into the format the caller asked for, when the provider cannot be told (Tencent
 * and StepFun choose their own, dall-e-2 returns PNG). Untouched when it already is in that format or no format was
 * asked for. Pixel-limited like every decode: results come from outside.
 */
export async function reencodeOutput(output: GenerationOutput, format: OutputFormat | undefined, maxPixels = 100_000_000): Promise<GenerationOutput> {
  if (format === undefined || output.mediaType === `image/${format}`) return output;
  const pipeline = sharp(output.bytes, { limitInputPixels: maxPixels, failOn: 'error' });
  const encoded = format === 'png' ? pipeline.png() : format === 'webp' ? pipeline.webp({ quality: 92 }) : pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: 92 });
  return { bytes: await encoded.toBuffer(), mediaType: `image/${format}` };
}

/**
 * `reencodeOutput` for a result straight from a provider: a result that sniffed as an image but does not decode is
 * the provider's fault, so it fails as `upstream_bad_response` (not as an Atelier bug).
 *
 * @param where The provider's display name, and the reason to report (default: the result image could not be decoded).
 * @throws GatewayError `upstream_bad_response`.
 */
export async function reencodeResult(
  output: GenerationOutput,
  format: OutputFormat | undefined,
  where: { provider: string; reason?: string },
): Promise<GenerationOutput> {
  try {
    return await reencodeOutput(output, format);
  } catch (error) {
    throw new GatewayError('upstream_bad_response', { provider: where.provider, reason: where.reason ?? 'the result image could not be decoded' }, { cause: error });
  }
}
