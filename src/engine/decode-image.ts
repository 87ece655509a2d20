import sharp from 'sharp';
import { GatewayError } from '../errors/gateway-error.ts';
import type { RawImage, RawPlane } from './raw-image.ts';
import { asUint8Array } from './sharp-stage.ts';

/** Default decode limit when the engine is created without one: 40 megapixels (the engine notes' proposal). */
export const defaultMaxInputPixels = 40_000_000;

/**
 * Decodes an encoded image once, for all variations: EXIF orientation applied, converted to 8-bit sRGB (grey and
 * 16-bit inputs included), RGB or RGBA. The header is checked against `maxPixels` before any pixel is decoded.
 *
 * @param parameter name used in error messages (`image`, `mask`).
 * @throws GatewayError `input_pixels_exceeded` when the header declares more than `maxPixels` pixels;
 *   `input_image_corrupt` when libvips cannot decode it.
 */
export async function decodeImage(bytes: Buffer, maxPixels: number, parameter = 'image'): Promise<RawImage> {
  await checkPixelLimit(bytes, maxPixels, parameter);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
      .autoOrient()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 && info.channels !== 4) throw new Error(`decoded to ${info.channels} channels`);
    return { data: asUint8Array(data), width: info.width, height: info.height, channels: info.channels };
  } catch (error) {
    throw new GatewayError('input_image_corrupt', { parameter, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
}

/**
 * Decodes a canonical mask (white = edit) to one byte per pixel.
 * @throws GatewayError `mask_size_mismatch` when it does not cover the image pixel for pixel.
 */
export async function decodeMask(bytes: Buffer, image: { width: number; height: number }, maxPixels: number): Promise<RawPlane> {
  await checkPixelLimit(bytes, maxPixels, 'mask');
  let plane: RawPlane;
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
      .toColourspace('b-w')
      .extractChannel(0)
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    plane = { data: asUint8Array(data), width: info.width, height: info.height };
  } catch (error) {
    throw new GatewayError('input_image_corrupt', { parameter: 'mask', reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
  if (plane.width !== image.width || plane.height !== image.height) {
    throw new GatewayError('mask_size_mismatch', { maskWidth: plane.width, maskHeight: plane.height, imageWidth: image.width, imageHeight: image.height });
  }
  return plane;
}

async function checkPixelLimit(bytes: Buffer, maxPixels: number, parameter: string): Promise<void> {
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch (error) {
    throw new GatewayError('input_image_corrupt', { parameter, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
  if (!width || !height) throw new GatewayError('input_image_corrupt', { parameter, reason: 'the header declares no size' });
  if (width * height > maxPixels) {
    throw new GatewayError('input_pixels_exceeded', { parameter, width, height, pixels: width * height, limit: maxPixels });
  }
}
