import sharp, { type Metadata } from 'sharp';
import type { InputSettings } from '../config/settings.ts';
import { GatewayError, describeReceived } from '../errors/gateway-error.ts';
import type { ImageInput } from '../providers/spec/generation-call.ts';
import { decodeBase64Input } from './decode-base64-input.ts';
import { decodeBmp, readBmpSize } from './decode-bmp.ts';
import { DecodedBase64, type DecodedBytesSink } from './inline-base64-text.ts';
import { guardedDownload } from './guarded-download.ts';
import { describeLeadingBytes, mediaTypeByFormat, sniffImageFormat, type ImageFormat } from './image-format.ts';
import { readPathInput } from './read-path-input.ts';

export const inputTypes = ['path', 'url', 'base64'] as const;
export type InputType = (typeof inputTypes)[number];

export interface InputContext {
  settings: InputSettings;
  /** Host the server is bound to (decides whether path inputs need explicit roots). */
  serverHost: string;
}

/** A checked image: format from magic bytes, EXIF orientation applied, pixel count within the limit. */
export interface LoadedImage extends ImageInput {
  format: ImageFormat;
  /** Hex SHA-256 of `bytes` when it is already known (computed while the body arrived), for the file store. */
  sha256?: string;
  /** `bytes`, already written to a file while the body arrived (then `sha256` is set too), for the file store. */
  written?: DecodedBytesSink;
}

/**
 * The one entry point for every image (and mask) that enters Atelier, whatever route or CLI command it came from.
 * `value` is the request's string, or for base64 a `DecodedBase64` the route read from the body's bytes.
 *
 * @param parameter the request field, named in errors (`image`, `mask`)
 * @throws GatewayError with an input_* code a person can act on
 */
export async function loadImageInput(value: unknown, type: unknown, parameter: string, context: InputContext): Promise<LoadedImage> {
  // Base64 read from the body's bytes arrives decoded (the route made it one only for image_type base64).
  if (value instanceof DecodedBase64) {
    if (type !== 'base64') throw new Error(`decoded base64 given for ${parameter} with ${parameter}_type ${String(type)}`);
    const bytes = decodeBase64Input(value, { parameter, maxBytes: context.settings.maxBytes });
    const image = await inspectImage(bytes, parameter, context.settings.maxPixels);
    // The hash belongs to these very bytes: an image rotated or converted on the way is hashed again by the store.
    return image.bytes === bytes && value.sha256 ? { ...image, sha256: value.sha256, written: value.written } : image;
  }
  if (typeof value !== 'string' || value.length === 0) {
    throw new GatewayError('parameter_invalid', { parameter, expected: 'a non-empty string', received: describeReceived(value) });
  }
  if (typeof type !== 'string' || !(inputTypes as readonly string[]).includes(type)) {
    throw new GatewayError('image_type_invalid', { parameter: `${parameter}_type`, received: describeReceived(type) });
  }
  const { settings } = context;
  const bytes =
    type === 'path'
      ? await readPathInput(value, { roots: settings.roots, rootsExplicit: settings.rootsExplicit, serverHost: context.serverHost, maxBytes: settings.maxBytes, parameter })
      : type === 'url'
        ? await guardedDownload(value, { allowPrivateAddresses: settings.allowPrivateUrls, maxBytes: settings.maxBytes, timeoutMilliseconds: settings.urlTimeoutMilliseconds, maxRedirects: settings.maxRedirects, parameter })
        : decodeBase64Input(value, { parameter, maxBytes: settings.maxBytes });
  return inspectImage(bytes, parameter, settings.maxPixels);
}

/**
 * Checks encoded bytes: magic bytes, then the header's pixel count against the limit before any decoding (so a
 * small decompression bomb costs a header read), then applies EXIF orientation so every consumer sees the image
 * the way a viewer shows it.
 */
export async function inspectImage(bytes: Buffer, parameter: string, maxPixels: number): Promise<LoadedImage> {
  const format = sniffImageFormat(bytes);
  if (!format) throw new GatewayError('input_format_unsupported', { parameter, detail: describeLeadingBytes(bytes) });
  if (format === 'bmp') return convertBmp(bytes, parameter, maxPixels);
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new GatewayError('input_image_corrupt', { parameter, reason: shortReason(error) });
  }
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  if (width <= 0 || height <= 0) throw new GatewayError('input_image_corrupt', { parameter, reason: 'the header declares no size' });
  if (width * height > maxPixels) {
    throw new GatewayError('input_pixels_exceeded', { parameter, width, height, pixels: width * height, limit: maxPixels });
  }
  const hasAlpha = metadata.hasAlpha === true;
  const orientation = metadata.orientation ?? 1;
  if (orientation === 1) return { bytes, format, mediaType: mediaTypeByFormat[format], width, height, hasAlpha };

  // Rotate once here so that providers and the engine never need to know about EXIF.
  try {
    const rotated = sharp(bytes, { limitInputPixels: maxPixels }).rotate();
    const encoded = format === 'jpeg' ? rotated.jpeg({ quality: 95 }) : format === 'webp' ? rotated.webp({ lossless: true }) : rotated.png();
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    const outputFormat: ImageFormat = format === 'jpeg' || format === 'webp' ? format : 'png';
    return { bytes: data, format: outputFormat, mediaType: mediaTypeByFormat[outputFormat], width: info.width, height: info.height, hasAlpha };
  } catch (error) {
    throw new GatewayError('input_image_corrupt', { parameter, reason: shortReason(error) });
  }
}

/** BMP has no loader in sharp's libvips: decode it here (after the pixel check) and carry on as PNG. */
async function convertBmp(bytes: Buffer, parameter: string, maxPixels: number): Promise<LoadedImage> {
  let size: { width: number; height: number };
  try {
    size = readBmpSize(bytes);
  } catch (error) {
    throw new GatewayError('input_image_corrupt', { parameter, reason: shortReason(error) });
  }
  if (size.width * size.height > maxPixels) {
    throw new GatewayError('input_pixels_exceeded', { parameter, width: size.width, height: size.height, pixels: size.width * size.height, limit: maxPixels });
  }
  let decoded: ReturnType<typeof decodeBmp>;
  try {
    decoded = decodeBmp(bytes, parameter);
  } catch (error) {
    if (GatewayError.isInstance(error)) throw error;
    // A read past the end (a header whose tables or pixels lie beyond the file) is a damaged file, not our fault.
    throw new GatewayError('input_image_corrupt', { parameter, reason: 'the file ends before the data its header describes' });
  }
  const channels = decoded.hasAlpha ? 4 : 3;
  const pixels = sharp(Buffer.from(decoded.rgba.buffer, decoded.rgba.byteOffset, decoded.rgba.byteLength), { raw: { width: decoded.width, height: decoded.height, channels: 4 } });
  const png = await (channels === 4 ? pixels : pixels.removeAlpha()).png().toBuffer();
  return { bytes: png, format: 'png', mediaType: 'image/png', width: decoded.width, height: decoded.height, hasAlpha: decoded.hasAlpha };
}

function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 200);
}
