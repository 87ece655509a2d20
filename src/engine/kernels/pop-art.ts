import type { BandInput } from '../run-in-bands.ts';

/** Parameters of {@link popArtBand}. */
export interface PopArtParameters {
  /** Ascending luminance thresholds between the tone bands (0–255). */
  thresholds: number[];
  /** One RGB colour per band (`(thresholds.length + 1) × 3` bytes), dark to light. */
  colours: Uint8Array;
  /** Halftone cell size in pixels. */
  dotSpacing: number;
  /** Outline where the difference of Gaussians falls below −threshold (levels). */
  edgeThreshold: number;
}

/**
 * Pop art after Warhol's screen prints and Lichtenstein's Ben-Day dots: luminance is posterised into a few bands,
 * each painted in a flat, loud colour; within a band a 45° halftone grid of the next darker colour carries the
 * remaining tone, and black outlines come from a difference of Gaussians. `narrow` and `wide` as in the cartoon
 * kernel; no halo (the dot grid uses global coordinates).
 */
export function popArtBand(input: BandInput<PopArtParameters> & { grey: Uint8Array; narrow: Uint8Array; wide: Uint8Array }): { data: Uint8Array } {
  const { width, height, top, haloTop, haloBottom, grey, narrow, wide } = input;
  const { thresholds, colours, dotSpacing, edgeThreshold } = input.parameters;
  const bounds = [0, ...thresholds, 256];
  const output = new Uint8Array((height - haloTop - haloBottom) * width * 3);
  const cosine = Math.SQRT1_2;
  let to = 0;
  for (let y = haloTop; y < height - haloBottom; y++) {
    const globalY = top + y;
    for (let x = 0; x < width; x++, to += 3) {
      const pixel = y * width + x;
      if (narrow[pixel] - wide[pixel] < -edgeThreshold) {
        output[to] = 12; output[to + 1] = 12; output[to + 2] = 16;
        continue;
      }
      const level = grey[pixel];
      let band = 0;
      while (band < thresholds.length && level >= thresholds[band]) band++;
      // Position inside the band: 0 at its dark end, 1 at its light end.
      const fraction = (level - bounds[band]) / (bounds[band + 1] - bounds[band]);
      let colourIndex = band;
      if (band > 0) {
        const rotatedX = (x + globalY) * cosine / dotSpacing;
        const rotatedY = (globalY - x) * cosine / dotSpacing;
        const offsetX = rotatedX - Math.round(rotatedX);
        const offsetY = rotatedY - Math.round(rotatedY);
        const radius = 0.62 * Math.sqrt(Math.max(0, 1 - fraction));
        if (offsetX * offsetX + offsetY * offsetY < radius * radius) colourIndex = band - 1;
      }
      output[to] = colours[colourIndex * 3];
      output[to + 1] = colours[colourIndex * 3 + 1];
      output[to + 2] = colours[colourIndex * 3 + 2];
    }
  }
  return { data: output };
}
