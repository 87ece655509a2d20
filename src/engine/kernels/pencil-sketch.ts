import type { BandInput } from '../run-in-bands.ts';
import { hashNoise, valueNoiseField } from './noise.ts';

/** Parameters of {@link pencilSketchBand}. */
export interface PencilSketchParameters {
  /** Exponent applied to the colour-dodge result: > 1 darkens and thickens the lines. */
  lineWeight: number;
  /** How much of the original tone is shaded in with hatching (0 = outlines only). */
  shading: number;
  /** Hatching direction in radians; cross-hatching in the darkest tones runs at this + π/2. */
  hatchAngle: number;
  /** Typical length of one pencil stroke in pixels. */
  strokeLength: number;
  /** Seed of the stroke and paper noise. */
  noiseSeed: number;
  /** Paper colour, RGB 0–255. */
  paper: [number, number, number];
}

/**
 * Pencil sketch. Lines come from the classic colour dodge of the grey image by its blurred copy (the darkroom
 * "dodge" technique: flat areas go white, edges stay as graphite lines); tone is then shaded back in with seeded
 * hatching strokes whose density follows darkness, in the spirit of Lu, Xu & Jia, "Combining Sketch and Tone for
 * Pencil Drawing Production" (NPAR 2012). `grey` and `blurred` are single planes; no halo needed.
 */
export function pencilSketchBand(input: BandInput<PencilSketchParameters> & { grey: Uint8Array; blurred: Uint8Array }): { data: Uint8Array } {
  const { width, height, top, haloTop, haloBottom, grey, blurred, parameters } = input;
  const { lineWeight, shading, strokeLength, noiseSeed, paper } = parameters;
  const cosine = Math.cos(parameters.hatchAngle);
  const sine = Math.sin(parameters.hatchAngle);
  const rows = height - haloTop - haloBottom;
  const paperGrain = valueNoiseField(width, top + haloTop, rows, 2, noiseSeed ^ 0x5bd1e995);
  const output = new Uint8ClampedArray(rows * width * 3);
  const dodgeCurve = new Float32Array(256);
  for (let level = 0; level < 256; level++) dodgeCurve[level] = Math.pow(level / 255, lineWeight);
  for (let row = 0; row < rows; row++) {
    const y = row + haloTop;
    const globalY = top + y;
    for (let x = 0; x < width; x++) {
      const index = y * width + x;
      const value = grey[index];
      const blur = blurred[index];
      // Colour dodge of grey by inverted blur = grey / blur.
      const dodge = blur === 0 ? 0 : Math.min(255, (value * 255) / blur);
      const lines = dodgeCurve[dodge | 0];
      const darkness = 1 - blur / 255;
      // Hatching: thin strokes along the hatch direction, one random darkness per stroke segment.
      const across = x * sine - globalY * cosine;
      const along = x * cosine + globalY * sine;
      const strokeRow = Math.floor(across);
      const stroke = hashNoise(strokeRow, Math.floor(along / strokeLength + hashNoise(strokeRow, 7, noiseSeed) * 4), noiseSeed);
      let tone = darkness * shading * (0.55 + 0.9 * stroke);
      if (darkness > 0.55) {
        const crossRow = Math.floor(x * cosine + globalY * sine);
        const cross = hashNoise(crossRow, Math.floor((globalY * cosine - x * sine) / strokeLength), noiseSeed + 1);
        tone += (darkness - 0.55) * shading * 1.6 * cross;
      }
      const grain = paperGrain[row * width + x];
      const ink = Math.min(1, (1 - lines) + tone * (0.75 + 0.5 * grain));
      const to = (row * width + x) * 3;
      output[to] = paper[0] * (1 - ink);
      output[to + 1] = paper[1] * (1 - ink);
      output[to + 2] = paper[2] * (1 - ink);
    }
  }
  return { data: new Uint8Array(output.buffer) };
}
