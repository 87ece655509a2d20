import { squaredDistanceToFeatures } from './distance-transform.ts';
import { editThreshold } from './mask-geometry.ts';

/**
 * Puts a styled rendering into the masked area only. The edge is feathered *inside* the mask (the blend weight
 * climbs from the mask's border inwards), so every pixel outside the mask stays the original's and the seam is soft
 * without leaking. Runs on a worker (`inpaint/masked-style-blend.ts`, `blendStyledInsideMask`).
 */
export interface MaskedStyleBlendInput {
  /** Original pixels covering the mask's bounds (plus a one-pixel ring where the image allows). */
  original: Uint8Array;
  /** The styled rendering of the same rectangle. */
  styled: Uint8Array;
  /** One byte per pixel; ≥ 128 = styled. */
  mask: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
  styledChannels: 3 | 4;
  /** Widest feather in pixels; narrow masks get a narrower one so their middle still receives the full effect. */
  featherLimit: number;
}

/** Kernel: returns the blended pixels (the `original` buffer). */
export function blendStyledInsideMask(input: MaskedStyleBlendInput): { image: Uint8Array } {
  const { original, styled, mask, width, height, channels, styledChannels } = input;
  const pixelCount = width * height;
  const keep = new Uint8Array(pixelCount);
  for (let pixel = 0; pixel < pixelCount; pixel++) keep[pixel] = mask[pixel] < editThreshold ? 1 : 0;
  // Distance to the nearest kept pixel: 1 on the mask's border, growing inwards. The image border is not a seam.
  const squared = squaredDistanceToFeatures(keep, width, height);
  let deepest = 0;
  for (let pixel = 0; pixel < pixelCount; pixel++) if (keep[pixel] === 0 && squared[pixel] > deepest) deepest = squared[pixel];
  const feather = Math.min(input.featherLimit, Math.floor(Math.sqrt(deepest) / 2));
  // Alpha is blended only when both sides have it; an RGB styling keeps the original's alpha.
  const blendedChannels = channels === 4 && styledChannels === 4 ? 4 : 3;
  for (let pixel = 0; pixel < pixelCount; pixel++) {
    if (keep[pixel] === 1) continue;
    const weight = feather <= 1 ? 1 : Math.min(1, Math.sqrt(squared[pixel]) / feather);
    const to = pixel * channels;
    const from = pixel * styledChannels;
    for (let channel = 0; channel < blendedChannels; channel++) {
      original[to + channel] = Math.round(original[to + channel] + (styled[from + channel] - original[to + channel]) * weight);
    }
  }
  return { image: original };
}
