import type { BandInput } from '../run-in-bands.ts';

/** Parameters of {@link celShadeBand}. */
export interface CelShadeParameters {
  /** Ascending luminance thresholds (0–255) between tone bands: n thresholds give n + 1 bands. */
  thresholds: number[];
  /** Target luminance (0–255) of each band, one more entry than `thresholds`. */
  levels: number[];
  /** Chroma multiplier (anime palettes are cleaner and more saturated than photos). */
  saturation: number;
  /** Line where the difference of Gaussians falls below −threshold (levels). */
  edgeThreshold: number;
  /** Lines take the local colour darkened to this fraction (coloured line art rather than black ink). */
  lineDarkness: number;
}

/**
 * Anime-like cel shading: hue and saturation follow the smoothed image, but luminance snaps to a few flat tone
 * bands (shadow, base, highlight), as in hand-painted animation cels; thin coloured line art comes from a
 * difference of Gaussians. `narrow` and `wide` are the luminance blurred at σ and 1.6σ; no halo.
 */
export function celShadeBand(input: BandInput<CelShadeParameters> & { image: Uint8Array; narrow: Uint8Array; wide: Uint8Array }): { data: Uint8Array } {
  const { width, height, haloTop, haloBottom, image, narrow, wide } = input;
  const { thresholds, levels, saturation, edgeThreshold, lineDarkness } = input.parameters;
  const bandOfLevel = new Uint8Array(256);
  for (let level = 0; level < 256; level++) {
    let band = 0;
    while (band < thresholds.length && level >= thresholds[band]) band++;
    bandOfLevel[level] = band;
  }
  const firstPixel = haloTop * width;
  const lastPixel = (height - haloBottom) * width;
  const output = new Uint8ClampedArray((lastPixel - firstPixel) * 3);
  for (let pixel = firstPixel, to = 0; pixel < lastPixel; pixel++, to += 3) {
    const from = pixel * 3;
    const red = image[from], green = image[from + 1], blue = image[from + 2];
    const luminance = (red * 54 + green * 183 + blue * 19) >> 8;
    let target = levels[bandOfLevel[luminance]];
    if (narrow[pixel] - wide[pixel] < -edgeThreshold) target *= lineDarkness;
    // Chroma is kept relative to luminance, so a band keeps its hue but gets one flat brightness.
    const chromaScale = (saturation * target) / Math.max(24, luminance);
    output[to] = target + (red - luminance) * chromaScale;
    output[to + 1] = target + (green - luminance) * chromaScale;
    output[to + 2] = target + (blue - luminance) * chromaScale;
  }
  return { data: new Uint8Array(output.buffer) };
}
