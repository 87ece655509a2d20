import sharp from 'sharp';
import type { GenerationOutput, OutputFormat } from '../spec/generation-call.ts';

/**
 * Re-encodes a provider's result into the format the caller asked for, when the provider cannot be told (Tencent
 * and StepFun choose their own). Untouched when it already is in that format or no format was asked for.
 * Pixel-limited like every decode: results come from outside.
 */
export async function reencodeOutput(output: GenerationOutput, format: OutputFormat | undefined, maxPixels = 100_000_000): Promise<GenerationOutput> {
  if (format === undefined || output.mediaType === `image/${format}`) return output;
  const pipeline = sharp(output.bytes, { limitInputPixels: maxPixels, failOn: 'error' });
  const encoded = format === 'png' ? pipeline.png() : format === 'webp' ? pipeline.webp({ quality: 92 }) : pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: 92 });
  return { bytes: await encoded.toBuffer(), mediaType: `image/${format}` };
}
