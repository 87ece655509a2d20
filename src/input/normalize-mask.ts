import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { GatewayError } from '../errors/gateway-error.ts';
import type { MaskInput } from '../providers/spec/generation-call.ts';

/**
 * Masks arrive in two conventions: white = edit (DashScope, AUTOMATIC1111, stable-diffusion.cpp) and
 * transparent = edit (OpenAI, ComfyUI). Atelier turns every mask into one canonical form — a single-channel 8-bit PNG
 * of the image's size, 255 = edit, 0 = keep — and converts back to a provider's convention when it sends one.
 */
export type MaskConvention = 'white' | 'alpha' | 'auto';

export interface NormalizeMaskOptions {
  /** `auto` (default in requests): transparency in the mask means alpha; otherwise white. */
  convention: MaskConvention;
  imageWidth: number;
  imageHeight: number;
  /** Pixel limit, checked on the header before decoding. */
  maxInputPixels: number;
}

/**
 * The binarisation threshold. Masks are painted with soft brushes, saved as JPEG, or resized with interpolation, so
 * their edges hold in-between values; a hard 128 cut makes "inside the mask" a yes/no question, which is what lets
 * Atelier promise that every pixel outside it is untouched (a grey pixel would otherwise be half edited, half kept).
 */
const threshold = 128;

/**
 * Decodes a mask image and returns it in canonical form.
 *
 * - `white`: a pixel edits when its luma (Rec. 601, after compositing any transparency over black) is ≥ 128;
 * - `alpha`: a pixel edits when its alpha is < 128 (more transparent than opaque); a mask without alpha selects nothing;
 * - `auto`: `alpha` when the mask has at least one such transparent pixel, else `white`. (Transparency that would
 *   select nothing — alpha ≥ 128 everywhere — is not taken as a choice of convention.)
 *
 * @param mask encoded bytes (PNG, JPEG, WebP …), normally already checked by the input module
 * @throws GatewayError `input_pixels_exceeded` over the pixel limit (checked before decoding); `input_image_corrupt` /
 *   `input_format_unsupported` when the bytes do not decode; `mask_size_mismatch` when the mask is not the image's
 *   size; `mask_empty` when the mask selects no pixel under the convention used
 * @example const canonical = await normalizeMask({ bytes }, { convention: 'auto', imageWidth: 1024, imageHeight: 768, maxInputPixels: 40e6 });
 */
export async function normalizeMask(mask: { bytes: Buffer }, options: NormalizeMaskOptions): Promise<MaskInput> {
  const metadata = await readMetadata(mask.bytes);
  // EXIF orientations 5–8 swap width and height; the input module rotates images, so compare oriented sizes.
  const swapped = (metadata.orientation ?? 1) >= 5;
  const maskWidth = (swapped ? metadata.height : metadata.width) ?? 0;
  const maskHeight = (swapped ? metadata.width : metadata.height) ?? 0;
  if (maskWidth <= 0 || maskHeight <= 0) throw new GatewayError('input_image_corrupt', { parameter: 'mask', reason: 'the header declares no size' });
  if (maskWidth * maskHeight > options.maxInputPixels) {
    throw new GatewayError('input_pixels_exceeded', { parameter: 'mask', width: maskWidth, height: maskHeight, pixels: maskWidth * maskHeight, limit: options.maxInputPixels });
  }
  if (maskWidth !== options.imageWidth || maskHeight !== options.imageHeight) {
    throw new GatewayError('mask_size_mismatch', { maskWidth, maskHeight, imageWidth: options.imageWidth, imageHeight: options.imageHeight });
  }

  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(mask.bytes, { limitInputPixels: options.maxInputPixels }).rotate().raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new GatewayError('input_image_corrupt', { parameter: 'mask', reason: error instanceof Error ? error.message : String(error) });
  }
  const { data, info } = decoded;
  const channels = info.channels;
  const hasAlpha = channels === 2 || channels === 4;
  const pixelCount = info.width * info.height;
  const alphaOffset = channels - 1;

  let transparentPixels = 0;
  if (hasAlpha) for (let pixel = 0; pixel < pixelCount; pixel++) if (data[pixel * channels + alphaOffset] < threshold) transparentPixels++;
  const convention = options.convention === 'auto' ? (transparentPixels > 0 ? 'alpha' : 'white') : options.convention;

  const canonical = Buffer.alloc(pixelCount);
  let selected = 0;
  if (convention === 'alpha') {
    if (hasAlpha) {
      for (let pixel = 0; pixel < pixelCount; pixel++) {
        const edits = data[pixel * channels + alphaOffset] < threshold;
        canonical[pixel] = edits ? 255 : 0;
        if (edits) selected++;
      }
    }
  } else {
    for (let pixel = 0; pixel < pixelCount; pixel++) {
      const from = pixel * channels;
      const luma = channels >= 3 ? 0.299 * data[from] + 0.587 * data[from + 1] + 0.114 * data[from + 2] : data[from];
      // Transparent paint is no paint: composite over black (keep), so white strokes on a clear layer still work.
      const coverage = hasAlpha ? data[from + alphaOffset] / 255 : 1;
      const edits = luma * coverage >= threshold;
      canonical[pixel] = edits ? 255 : 0;
      if (edits) selected++;
    }
  }
  if (selected === 0) throw new GatewayError('mask_empty', emptyMaskParameters(options.convention, convention, hasAlpha));

  const bytes = await sharp(canonical, { raw: { width: info.width, height: info.height, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: 6 }).toBuffer();
  return { bytes, width: info.width, height: info.height };
}

async function readMetadata(bytes: Buffer): Promise<Metadata> {
  try {
    // Header only: the pixel limit is checked against these numbers before anything is decoded.
    return await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/unsupported image format/i.test(reason)) throw new GatewayError('input_format_unsupported', { parameter: 'mask', detail: 'sharp does not recognise the content' });
    throw new GatewayError('input_image_corrupt', { parameter: 'mask', reason });
  }
}

function emptyMaskParameters(requested: MaskConvention, used: 'white' | 'alpha', hasAlpha: boolean): { convention: string; hint: string } {
  const convention = requested === 'auto' ? `${used} (auto-detected: the mask has no transparent pixels)` : used;
  if (used === 'alpha') {
    return {
      convention,
      hint: hasAlpha
        ? 'no pixel is more than half transparent; make the area to edit transparent, or set mask_convention to white'
        : 'the mask has no alpha channel; send a PNG whose transparent pixels mark the area to edit, or set mask_convention to white',
    };
  }
  return { convention, hint: 'no pixel is brighter than mid-grey; paint the area to edit white, or set mask_convention to alpha if transparency marks it' };
}

/**
 * The canonical mask as a white = edit RGB PNG (white [255,255,255] = edit, black = keep), the form DashScope
 * documents; AUTOMATIC1111 accepts it too. (stable-diffusion.cpp takes the canonical single-channel PNG as it is.)
 */
export async function toWhiteMask(canonical: MaskInput): Promise<Buffer> {
  const plane = await decodeCanonical(canonical);
  return sharp(plane, { raw: { width: canonical.width, height: canonical.height, channels: 1 } }).toColourspace('srgb').png().toBuffer();
}

/**
 * The canonical mask as an RGBA PNG where the edit area is fully transparent (alpha 0) and the rest opaque: OpenAI's
 * and ComfyUI's convention. Its colour is the canonical plane (white = edit, black = keep), so a server that reads
 * the mask as one grey channel and ignores alpha — stable-diffusion.cpp behind an OpenAI-compatible base URL, whose
 * convention is white = edit (local-servers.md) — sees the same area; alpha readers never look at the colour.
 */
export async function toAlphaMask(canonical: MaskInput): Promise<Buffer> {
  const plane = await decodeCanonical(canonical);
  // Written out as four raw channels: sharp applies joinChannel before any colourspace change, so a grey plane
  // joined with alpha would be saved as a grey + alpha PNG rather than RGBA.
  const rgba = Buffer.alloc(plane.length * 4);
  for (let pixel = 0; pixel < plane.length; pixel++) {
    const value = plane[pixel];
    rgba.fill(value, pixel * 4, pixel * 4 + 3);
    rgba[pixel * 4 + 3] = 255 - value;
  }
  return sharp(rgba, { raw: { width: canonical.width, height: canonical.height, channels: 4 } }).png().toBuffer();
}

async function decodeCanonical(canonical: MaskInput): Promise<Buffer> {
  // sharp hands grey PNGs back as sRGB unless told otherwise; extract one band to get the plane.
  const { data, info } = await sharp(canonical.bytes).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  if (info.width !== canonical.width || info.height !== canonical.height) {
    throw new RangeError(`canonical mask declares ${canonical.width}×${canonical.height} but decodes to ${info.width}×${info.height}`);
  }
  return data;
}
