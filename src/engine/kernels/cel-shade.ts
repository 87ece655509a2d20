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
  /** RGB offset added in the darkest band: painted anime shadows lean cool (blue-violet), not just darker. */
  shadowTint: [number, number, number];
  /** Fraction by which the brightest band is pulled towards white (sheen). */
  highlightWhiten: number;
}

/**
 * Anime-like cel shading: hue and saturation follow the smoothed image, but luminance snaps to a few flat tone
 * bands (shadow, base, highlight), as in hand-painted animation cels; thin coloured line art comes from a
 * difference of Gaussians. `narrow` and `wide` are the luminance blurred at σ and 1.6σ; no halo.
 */
export function celShadeBand(input: BandInput<CelShadeParameters> & { image: Uint8Array; narrow: Uint8Array; wide: Uint8Array }): { data: Uint8Array } {
  const { width, height, haloTop, haloBottom, image, narrow, wide } = input;
  const { thresholds, levels, saturation, edgeThreshold, lineDarkness, shadowTint, highlightWhiten } = input.parameters;
  const brightest = thresholds.length;
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
    // The band is chosen on the blurred luminance, so fur or foliage texture does not speckle between bands.
    const band = bandOfLevel[narrow[pixel]];
    let target = levels[band];
    const isLine = narrow[pixel] - wide[pixel] < -edgeThreshold;
    if (isLine) target *= lineDarkness;
    // Chroma is kept relative to luminance (capped so dark pixels do not explode), so a band keeps its hue but
    // gets one flat brightness.
    let chromaScale = saturation * Math.min(1.6, target / Math.max(24, luminance));
    let offsetRed = 0, offsetGreen = 0, offsetBlue = 0;
    if (band === 0 && !isLine) {
      offsetRed = shadowTint[0]; offsetGreen = shadowTint[1]; offsetBlue = shadowTint[2];
    } else if (band === brightest && !isLine) {
      chromaScale *= 1 - highlightWhiten;
      target += (255 - target) * highlightWhiten;
    }
    output[to] = target + (red - luminance) * chromaScale + offsetRed;
    output[to + 1] = target + (green - luminance) * chromaScale + offsetGreen;
    output[to + 2] = target + (blue - luminance) * chromaScale + offsetBlue;
  }
  return { data: new Uint8Array(output.buffer) };
}
