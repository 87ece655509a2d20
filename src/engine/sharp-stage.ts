import sharp, { type Sharp } from 'sharp';
import type { RawImage, RawPlane } from './raw-image.ts';

/**
 * One recipe stage = one sharp instance. sharp applies the operations of a single pipeline in its own fixed order
 * (not call order), so recipes start every stage from raw pixels with {@link fromRaw} and end it with
 * {@link toRawImage} / {@link toRawPlane}.
 */
export function fromRaw(image: RawImage | RawPlane): Sharp {
  const channels = 'channels' in image ? image.channels : 1;
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels } });
}

/** Reads an image the engine itself encoded mid-recipe (never user input, so no pixel limit is needed). */
export function fromEncoded(bytes: Buffer): Sharp {
  return sharp(bytes);
}

/** Finishes a stage as an RGB (or RGBA when `keepAlpha`) raw image. */
export async function toRawImage(pipeline: Sharp, keepAlpha = false): Promise<RawImage> {
  const prepared = keepAlpha ? pipeline : pipeline.removeAlpha();
  const { data, info } = await prepared.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 && info.channels !== 4) throw new Error(`stage produced ${info.channels} channels, expected 3 or 4`);
  return { data: asUint8Array(data), width: info.width, height: info.height, channels: info.channels };
}

/** Finishes a stage as a single 8-bit plane (greyscale). */
export async function toRawPlane(pipeline: Sharp): Promise<RawPlane> {
  const { data, info } = await pipeline.toColourspace('b-w').extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data: asUint8Array(data), width: info.width, height: info.height };
}

/** Wraps a Buffer as a plain Uint8Array view (same memory), which is what kernels and the RawImage contract expect. */
export function asUint8Array(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Splits RGBA into RGB and an alpha plane with libvips (off the event loop); RGB passes through. */
export async function separateAlpha(image: RawImage): Promise<{ colour: RawImage; alpha?: RawPlane }> {
  if (image.channels === 3) return { colour: image };
  const [colour, alpha] = await Promise.all([
    toRawImage(fromRaw(image).removeAlpha()),
    fromRaw(image).extractChannel(3).raw().toBuffer({ resolveWithObject: true }),
  ]);
  return { colour, alpha: { data: asUint8Array(alpha.data), width: alpha.info.width, height: alpha.info.height } };
}

/** Re-attaches an alpha plane to an RGB image with libvips; returns the RGB image when there is none. */
export async function attachAlpha(colour: RawImage, alpha: RawPlane | undefined): Promise<RawImage> {
  if (!alpha) return colour;
  return toRawImage(fromRaw(colour).joinChannel(Buffer.from(alpha.data.buffer, alpha.data.byteOffset, alpha.data.byteLength), { raw: { width: alpha.width, height: alpha.height, channels: 1 } }), true);
}
