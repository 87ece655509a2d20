/**
 * An 8-bit, interleaved, uncompressed image: what every engine stage (sharp pipelines, worker kernels, the inpainting
 * module) exchanges. sharp reorders the operations of one pipeline, so multi-stage recipes hand `RawImage`s from one
 * sharp instance to the next instead of chaining calls (see the engine notes, §3.2).
 */
export interface RawImage {
  /** `width * height * channels` bytes, row-major, channels interleaved (RGB or RGBA). */
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** A single-channel 8-bit plane (an alpha channel, a mask, a luminance matte). */
export interface RawPlane {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Separates colour from alpha so recipes only ever see RGB; the alpha plane is re-attached unchanged at the end,
 * which is what "alpha preserved" means for a style transfer.
 */
export function splitAlpha(image: RawImage): { colour: RawImage; alpha?: Uint8Array } {
  if (image.channels === 3) return { colour: image };
  const pixelCount = image.width * image.height;
  const colour = new Uint8Array(pixelCount * 3);
  const alpha = new Uint8Array(pixelCount);
  const source = image.data;
  for (let pixel = 0, from = 0, to = 0; pixel < pixelCount; pixel++, from += 4, to += 3) {
    colour[to] = source[from];
    colour[to + 1] = source[from + 1];
    colour[to + 2] = source[from + 2];
    alpha[pixel] = source[from + 3];
  }
  return { colour: { data: colour, width: image.width, height: image.height, channels: 3 }, alpha };
}

/** Inverse of {@link splitAlpha}: interleaves an alpha plane back into an RGB image (returns the RGB image as is when there is none). */
export function joinAlpha(colour: RawImage, alpha: Uint8Array | undefined): RawImage {
  if (!alpha) return colour;
  if (colour.channels !== 3) throw new RangeError(`joinAlpha expects an RGB image, got ${colour.channels} channels`);
  const pixelCount = colour.width * colour.height;
  if (alpha.length !== pixelCount) throw new RangeError(`alpha plane has ${alpha.length} bytes, expected ${pixelCount}`);
  const joined = new Uint8Array(pixelCount * 4);
  const source = colour.data;
  for (let pixel = 0, from = 0, to = 0; pixel < pixelCount; pixel++, from += 3, to += 4) {
    joined[to] = source[from];
    joined[to + 1] = source[from + 1];
    joined[to + 2] = source[from + 2];
    joined[to + 3] = alpha[pixel];
  }
  return { data: joined, width: colour.width, height: colour.height, channels: 4 };
}
