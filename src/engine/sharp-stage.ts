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

/** A plane as an RGB image (grey repeated in three channels). */
export function planeToRgb(plane: RawPlane): RawImage {
  const pixelCount = plane.width * plane.height;
  const data = new Uint8Array(pixelCount * 3);
  for (let pixel = 0, to = 0; pixel < pixelCount; pixel++, to += 3) {
    const value = plane.data[pixel];
    data[to] = value;
    data[to + 1] = value;
    data[to + 2] = value;
  }
  return { data, width: plane.width, height: plane.height, channels: 3 };
}
