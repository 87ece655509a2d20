import sharp from 'sharp';
import { readBmpSize } from '../../input/decode-bmp.ts';
import { mediaTypeByFormat, sniffImageFormat } from '../../input/image-format.ts';
import { InlineData } from '../shared/inline-data-json.ts';
import { sidesWithinLimits } from '../shared/adapt-input-image.ts';
import type { InputLimits } from '../spec/capabilities.ts';
import { invalid } from './dashscope-call-checks.ts';
import { dashscopeOptionsPrefix } from './dashscope-options.ts';

const parameter = `${dashscopeOptionsPrefix}.style_ref_url`;

/**
 * The style reference image of wanx-style-repaint-v1 as it is sent. A public URL goes as given (DashScope fetches
 * it); a `data:` URI is checked against the limits of `image_url` — "same limits" (spec §4.3), checked before the
 * billable submit (§7) — and re-labelled with the MIME type sniffed from its bytes (§7), never the one the client
 * wrote. It is a reference, not the input, so it is refused rather than resized when outside the limits.
 * `checkParameters` runs it before any task exists and `start` runs it again for the bytes it sends. The decoded
 * bytes of a data URI go to the file store before the task is created (`ParameterCheck.optionImages`), and `start`
 * receives them back as a data URI labelled with the sniffed type, which this reads exactly as the request's.
 *
 * @throws GatewayError `parameter_invalid` naming `provider_options.aliyun.style_ref_url` and the limit.
 */
export async function styleReference(value: string, limits: InputLimits): Promise<string | InlineData> {
  const match = /^data:[^,]*;base64,(.*)$/is.exec(value);
  if (match === null) return value;
  const bytes = Buffer.from(match[1], 'base64');
  const format = sniffImageFormat(bytes);
  if (format === undefined || !limits.formats.includes(format)) {
    throw invalid(parameter, `an image in one of ${limits.formats.join(', ')}`, format === undefined ? 'bytes that are no known image' : mediaTypeByFormat[format]);
  }
  if (bytes.length > limits.maxBytes) throw invalid(parameter, `an image of at most ${limits.maxBytes} bytes`, `${bytes.length} bytes`);
  const { width, height } = await pixelSize(bytes, format);
  if (!sidesWithinLimits(width, height, limits)) {
    throw invalid(parameter, `an image from ${limits.minSide}×${limits.minSide} to ${limits.maxSide}×${limits.maxShortSide} px with a long:short side ratio of at most ${limits.maxAspectRatio}:1`, `${width}×${height}`);
  }
  return new InlineData(bytes, mediaTypeByFormat[format]);
}

/** Width and height from the header (sharp cannot read BMP: the input module's reader does); 0×0 when unreadable. */
async function pixelSize(bytes: Buffer, format: string): Promise<{ width: number; height: number }> {
  try {
    if (format === 'bmp') return readBmpSize(bytes);
    const metadata = await sharp(bytes).metadata();
    return { width: metadata.width ?? 0, height: metadata.height ?? 0 };
  } catch {
    return { width: 0, height: 0 };
  }
}
