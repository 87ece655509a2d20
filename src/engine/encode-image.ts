import type { OutputFormat } from '../providers/spec/generation-call.ts';
import type { Warning } from '../providers/spec/warning.ts';
import type { RawImage } from './raw-image.ts';
import { fromRaw } from './sharp-stage.ts';

const mediaTypes: Record<OutputFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/**
 * The engine's default output format: PNG when the input has alpha or is a PNG (lossless in, lossless out), else
 * JPEG.
 */
export function defaultOutputFormat(input: { mediaType: string; hasAlpha: boolean }): OutputFormat {
  return input.hasAlpha || input.mediaType === 'image/png' ? 'png' : 'jpeg';
}

/**
 * Encodes a raw result. JPEG cannot carry alpha: an RGBA image is flattened on white and a warning says so (PNG
 * and WebP keep it).
 */
export async function encodeImage(image: RawImage, format: OutputFormat): Promise<{ bytes: Buffer; mediaType: string; warnings: Warning[] }> {
  const warnings: Warning[] = [];
  let pipeline = fromRaw(image);
  if (format === 'jpeg') {
    if (image.channels === 4) {
      pipeline = pipeline.flatten({ background: '#ffffff' });
      warnings.push({ type: 'unsupported', feature: 'alpha', details: 'JPEG has no alpha channel: transparent areas were flattened on white. Ask for output_format png or webp to keep them.' });
    }
    pipeline = pipeline.jpeg({ quality: 90 });
  } else if (format === 'png') {
    pipeline = pipeline.png({ compressionLevel: 6, adaptiveFiltering: false });
  } else {
    pipeline = pipeline.webp({ quality: 90, alphaQuality: 100, effort: 3 });
  }
  return { bytes: await pipeline.toBuffer(), mediaType: mediaTypes[format], warnings };
}
