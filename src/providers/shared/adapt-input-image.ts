import sharp, { type Sharp } from 'sharp';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { InputLimits } from '../spec/capabilities.ts';
import type { ImageInput, MaskInput } from '../spec/generation-call.ts';
import type { Warning } from '../spec/warning.ts';

/** An image (and its mask) made acceptable to a model, plus one warning per change made. */
export interface AdaptedInput {
  image: ImageInput;
  mask?: MaskInput;
  warnings: Warning[];
}

export interface AdaptOptions {
  /** Display name in errors and warnings, e.g. `DashScope wan2.2-i2v-plus`. */
  target: string;
  /**
   * Whether Atelier may resize, re-encode or flatten the input. When false, an input outside the limits fails
   * with a 400 that names the limit instead (spec: "only when the user opted in" for pixel changes), and a CMYK
   * input within them is sent as is with an `other` warning (CMYK is a risk, not a limit the model declares).
   */
  allowChanges: boolean;
  /** Counts the base64 size against `maxBytes` (for providers that limit the encoded request, e.g. Tencent). */
  base64Budget?: boolean;
}

/** The only formats Atelier reads that can hold CMYK, so the only ones whose header is worth reading for it. */
const formatsThatCanBeCmyk = new Set(['jpeg', 'tiff']);

const sharpFormatByMediaType: Record<string, string> = {
  'image/png': 'png', 'image/jpeg': 'jpeg', 'image/webp': 'webp', 'image/bmp': 'bmp', 'image/tiff': 'tiff',
  'image/gif': 'gif', 'image/avif': 'avif',
};

/**
 * Brings an input image within a model's `InputLimits`: scales it (aspect kept) into [minSide, maxSide] (and the
 * shorter side under maxShortSide), flattens alpha onto white when the model refuses alpha, re-encodes formats the
 * model does not read as PNG (or JPEG when PNG is too large, dropping an alpha channel that is opaque everywhere),
 * and resizes the canonical mask with it (nearest neighbour, then binarised at 128 so it stays pure black and white).
 * A CMYK input is converted to sRGB for every model, within its limits or not: many decoders behind cloud APIs
 * invert or refuse CMYK, and no model declares it. An RGB or grey input already within limits is returned
 * untouched, bytes and all.
 *
 * @throws GatewayError `provider_cannot_serve` when no scale fits the bounds or the aspect ratio is beyond the
 *   model's, or when `allowChanges` is false and the input is out of limits.
 */
export async function adaptInputImage(image: ImageInput, mask: MaskInput | undefined, limits: InputLimits, options: AdaptOptions): Promise<AdaptedInput> {
  const problems: string[] = [];
  const scale = scaleIntoBounds(image.width, image.height, limits, options.target);
  if (scale !== 1) problems.push(`${image.width}×${image.height} is outside ${describeSideBounds(limits)}`);
  const format = sharpFormatByMediaType[image.mediaType] ?? 'unknown';
  const formatAccepted = limits.formats.includes(format) || (format === 'jpeg' && limits.formats.includes('jpg'));
  if (!formatAccepted) problems.push(`${format.toUpperCase()} is not one of ${limits.formats.join(', ')}`);
  const mustFlatten = limits.alpha === 'flattened' && image.hasAlpha;
  if (mustFlatten) problems.push('the image has an alpha channel, which the model does not accept');
  const encodedBytes = options.base64Budget ? Math.ceil(image.bytes.length / 3) * 4 : image.bytes.length;
  if (encodedBytes > limits.maxBytes) problems.push(`${encodedBytes} bytes${options.base64Budget ? ' of base64' : ''} exceeds ${limits.maxBytes} bytes`);

  // Refused before the CMYK header read: a caller who forbade changes gets the limits missed, and pays nothing more.
  if (problems.length > 0 && !options.allowChanges) {
    throw new GatewayError('provider_cannot_serve', { provider: options.target, reason: `the input image does not meet the model's limits: ${problems.join('; ')}` });
  }
  // The header says the colour space without decoding pixels; only JPEG and TIFF can carry CMYK.
  const isCmyk = formatsThatCanBeCmyk.has(format) && (await sharp(image.bytes).metadata()).space === 'cmyk';
  if (isCmyk && !options.allowChanges) {
    // adapt_input false asks for the exact bytes: send them (the provider may yet read them) and say why it may not.
    const details = `The input image is in CMYK colour, which ${options.target} may not decode; it was sent as is because adapt_input is false.`;
    return { image, mask, warnings: [{ type: 'other', feature: 'image', details }] };
  }
  if (isCmyk) problems.push('CMYK colour, which the provider may not decode');
  if (problems.length === 0) return { image, mask, warnings: [] };

  const width = Math.round(image.width * scale);
  const height = Math.round(image.height * scale);
  let pipeline = sharp(image.bytes, { failOn: 'error' });
  if (scale !== 1) pipeline = pipeline.resize(width, height, { fit: 'fill', kernel: 'lanczos3' });
  // Many PNGs carry an alpha channel that is opaque everywhere. Over the byte limit, dropping it changes no pixel and
  // lets the JPEG fallback in `encode` apply, where keeping it would leave only PNG and refuse an image that can fit.
  const dropOpaqueAlpha = image.hasAlpha && !mustFlatten && encodedBytes > limits.maxBytes && limits.formats.includes('jpeg')
    && (await sharp(image.bytes, { failOn: 'error' }).stats()).isOpaque;
  const keepAlpha = image.hasAlpha && !mustFlatten && !dropOpaqueAlpha;
  if (mustFlatten) pipeline = pipeline.flatten({ background: '#ffffff' });
  if (dropOpaqueAlpha) pipeline = pipeline.removeAlpha();
  // Explicit, though sharp converts to sRGB on output anyway: through the embedded profile when there is one,
  // else libvips's built-in CMYK profile (the same conversion the embedded engine makes).
  if (isCmyk) pipeline = pipeline.toColourspace('srgb');
  const reencode = !formatAccepted || mustFlatten || encodedBytes > limits.maxBytes || scale !== 1 || isCmyk;
  let bytes: Buffer;
  let mediaType = image.mediaType;
  if (!reencode) {
    bytes = image.bytes;
  } else {
    const outputFormat = formatAccepted && ['png', 'jpeg', 'webp'].includes(format) && !(format === 'png' && !keepAlpha && encodedBytes > limits.maxBytes) ? format : 'png';
    ({ bytes, mediaType } = await encode(pipeline, outputFormat, keepAlpha, limits, options));
  }
  const adapted: ImageInput = { bytes, mediaType, width, height, hasAlpha: keepAlpha };
  const adaptedMask = mask && scale !== 1 ? await resizeMask(mask, width, height) : mask;
  const warnings: Warning[] = [{
    type: 'substituted',
    feature: 'image',
    details: `The input image was adapted for ${options.target}: ${problems.join('; ')}; sent ${width}×${height} ${mediaType.replace('image/', '').toUpperCase()}${isCmyk ? ' converted to sRGB' : ''}${mustFlatten ? ' flattened onto white' : ''}${dropOpaqueAlpha ? ' without its alpha channel (opaque everywhere)' : ''}.`,
  }];
  return { image: adapted, mask: adaptedMask, warnings };
}

/**
 * Whether an image of `width`×`height` is within the side and aspect-ratio limits as it is, with no scaling: for
 * an image that is checked but never adapted (a DashScope style reference).
 */
export function sidesWithinLimits(width: number, height: number, limits: InputLimits): boolean {
  const shorter = Math.min(width, height);
  const longer = Math.max(width, height);
  return shorter >= (limits.minSide ?? 1) && longer <= (limits.maxSide ?? Infinity)
    && shorter <= (limits.maxShortSide ?? Infinity) && longer <= shorter * (limits.maxAspectRatio ?? Infinity);
}

/** The side bounds of `limits` in words, for warnings and errors. */
function describeSideBounds(limits: InputLimits): string {
  const sides = `${limits.minSide ?? 1}–${limits.maxSide ?? '∞'} px per side`;
  return limits.maxShortSide === undefined ? sides : `${sides} with the shorter side at most ${limits.maxShortSide} px`;
}

/**
 * The factor that brings both sides into [minSide, maxSide] (and the shorter one under maxShortSide), 1 when already
 * inside.
 *
 * @throws GatewayError `provider_cannot_serve` when the aspect ratio is beyond `maxAspectRatio` or no scale fits
 */
function scaleIntoBounds(width: number, height: number, limits: InputLimits, target: string): number {
  const shorter = Math.min(width, height);
  const longer = Math.max(width, height);
  if (limits.maxAspectRatio !== undefined && longer / shorter > limits.maxAspectRatio) {
    throw new GatewayError('provider_cannot_serve', {
      provider: target,
      reason: `a ${width}×${height} image is beyond the ${limits.maxAspectRatio}:1 aspect ratio the model accepts (long side at most ${limits.maxAspectRatio}:1 of the short one); crop it first`,
    });
  }
  let scale = 1;
  if (limits.maxSide !== undefined && longer > limits.maxSide) scale = limits.maxSide / longer;
  if (limits.maxShortSide !== undefined && shorter * scale > limits.maxShortSide) scale = limits.maxShortSide / shorter;
  if (limits.minSide !== undefined && shorter * scale < limits.minSide) scale = limits.minSide / shorter;
  const fits = (limits.maxSide === undefined || Math.round(longer * scale) <= limits.maxSide)
    && (limits.maxShortSide === undefined || Math.round(shorter * scale) <= limits.maxShortSide)
    && (limits.minSide === undefined || Math.round(shorter * scale) >= limits.minSide);
  if (!fits) {
    throw new GatewayError('provider_cannot_serve', {
      provider: target,
      reason: `a ${width}×${height} image cannot be scaled so that it is within ${describeSideBounds(limits)} (aspect ratio too extreme); crop it first`,
    });
  }
  return scale;
}

async function encode(pipeline: Sharp, format: string, keepAlpha: boolean, limits: InputLimits, options: AdaptOptions): Promise<{ bytes: Buffer; mediaType: string }> {
  const budget = (bytes: Buffer) => (options.base64Budget ? Math.ceil(bytes.length / 3) * 4 : bytes.length);
  const attempts: Array<() => Sharp> = [];
  if (format === 'webp') attempts.push(() => pipeline.clone().webp({ quality: 92 }));
  else if (format === 'jpeg') attempts.push(() => pipeline.clone().jpeg({ quality: 92 }));
  else attempts.push(() => pipeline.clone().png({ compressionLevel: 6 }));
  // Fall back to JPEG at decreasing quality when a lossless encoding is over the byte limit (alpha already gone).
  if (!keepAlpha && limits.formats.includes('jpeg')) {
    for (const quality of [90, 80, 70]) attempts.push(() => pipeline.clone().jpeg({ quality }));
  }
  for (const attempt of attempts) {
    const { data, info } = await attempt().toBuffer({ resolveWithObject: true });
    if (budget(data) <= limits.maxBytes) return { bytes: data, mediaType: `image/${info.format === 'jpeg' ? 'jpeg' : info.format}` };
  }
  throw new GatewayError('provider_cannot_serve', { provider: options.target, reason: `the input image stays larger than ${limits.maxBytes} bytes after re-encoding; send a smaller image` });
}

async function resizeMask(mask: MaskInput, width: number, height: number): Promise<MaskInput> {
  const bytes = await sharp(mask.bytes)
    .resize(width, height, { fit: 'fill', kernel: 'nearest' })
    .extractChannel(0)
    .threshold(128)
    .toColourspace('b-w')
    .png()
    .toBuffer();
  return { bytes, width, height };
}
