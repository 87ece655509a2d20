import sharp from 'sharp';
import type { RasterRgba } from './frame-sampler.ts';

/** Name of the error thrown when the input cannot be decoded; it survives the trip back from a worker thread. */
export const inputImageErrorName = 'InputImageError';

/**
 * Decodes the input image into the raster the frames are sampled from: EXIF orientation applied, transparency
 * flattened onto white (a video has no alpha), cropped to the video's aspect ratio around the centre and resized
 * (Lanczos) so that the motion's tightest window maps 1:1 to the frame. Four channels, the fourth set to 255 and
 * free for a motion's auxiliary map.
 *
 * `maxInputPixels` is enforced by libvips from the header, before any pixel is decoded.
 */
export async function decodeSourceRaster(bytes: Uint8Array, size: { width: number; height: number }, maxInputPixels: number): Promise<RasterRgba> {
  const { data, info } = await sharp(bytes, { limitInputPixels: maxInputPixels, failOn: 'error' })
    .rotate()
    .flatten({ background: '#ffffff' })
    .resize(size.width, size.height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
    .ensureAlpha(1)
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((error: unknown) => {
      throw Object.assign(new Error(error instanceof Error ? error.message : String(error)), { name: inputImageErrorName });
    });
  if (info.channels !== 4 || info.width !== size.width || info.height !== size.height) {
    throw new Error(`decoded ${info.width}×${info.height}×${info.channels}, expected ${size.width}×${size.height}×4`);
  }
  // A copy into a fresh, 4-byte-aligned buffer: the sampler reads pixels as 32-bit words.
  const aligned = new Uint8Array(data.length);
  aligned.set(data);
  return { data: aligned, width: info.width, height: info.height };
}

/**
 * The displayed size of an encoded image (EXIF orientations 5–8 swap width and height), read from its header
 * without decoding pixels, so the caller can apply its pixel limit with its own error first.
 */
export async function orientedImageSize(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  const metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  if (!metadata.width || !metadata.height) throw new Error('the image header declares no size');
  const swapped = (metadata.orientation ?? 1) >= 5;
  return swapped ? { width: metadata.height, height: metadata.width } : { width: metadata.width, height: metadata.height };
}
