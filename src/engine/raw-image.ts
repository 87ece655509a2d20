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

