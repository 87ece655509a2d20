import type { BandInput } from '../run-in-bands.ts';
import { hashNoise, valueNoiseField } from './noise.ts';

/** Parameters of {@link filmGradeBand}. */
export interface FilmGradeParameters {
  /** 3×3 colour matrix, row-major, applied first (sepia toning, channel mixing for black and white). */
  matrix: number[];
  /** Output level of black and white after the matrix (faded prints have lifted blacks and dimmed whites). */
  blackPoint: number;
  whitePoint: number;
  /** S-curve strength (0 = linear, 1 = strong). */
  contrast: number;
  /** Darkening at the corners (0 = none, 0.5 = corners at half brightness). */
  vignette: number;
  /** Film grain amplitude in levels. */
  grain: number;
  /** Grain clump size in pixels. */
  grainSize: number;
  /** Probability per pixel of a dust speck (0 = none). */
  dust: number;
  /** Vertical scratches: x positions in pixels (global coordinates). */
  scratches: number[];
  /** Seed of grain, dust and blotches. */
  noiseSeed: number;
}

/**
 * A photographic-print grade: colour matrix, tone curve (levels + S-curve), vignette, grain, dust and scratches.
 * Serves vintage/sepia (toning matrix, faded blacks, wear) and black-and-white (filter-like channel mix, punchy
 * curve, fine grain). No halo.
 */
export function filmGradeBand(input: BandInput<FilmGradeParameters> & { image: Uint8Array }): { data: Uint8Array } {
  const { width, height, top, haloTop, haloBottom, imageWidth, imageHeight, image, parameters } = input;
  const { matrix, blackPoint, whitePoint, contrast, vignette, grain, dust, scratches, noiseSeed } = parameters;
  const rows = height - haloTop - haloBottom;
  const grainField = valueNoiseField(width, top + haloTop, rows, Math.max(1, parameters.grainSize), noiseSeed);
  const curve = new Float32Array(256);
  for (let level = 0; level < 256; level++) {
    const value = level / 255;
    const shaped = value + contrast * value * (1 - value) * (value - 0.5) * 4;
    curve[level] = blackPoint + (whitePoint - blackPoint) * shaped;
  }
  const centreX = imageWidth / 2;
  const centreY = imageHeight / 2;
  const reach = Math.hypot(centreX, centreY);
  const scratchColumns = new Set(scratches.map((position) => Math.round(position)));
  const output = new Uint8ClampedArray(rows * width * 3);
  for (let row = 0; row < rows; row++) {
    const y = row + haloTop;
    const globalY = top + y;
    const distanceY = (globalY - centreY) / reach;
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3;
      const red = image[from], green = image[from + 1], blue = image[from + 2];
      const distanceX = (x - centreX) / reach;
      const radial = distanceX * distanceX + distanceY * distanceY;
      let gain = 1 - vignette * radial * radial * 4;
      let offset = (grainField[row * width + x] - 0.5) * 2 * grain;
      if (dust > 0 && hashNoise(x, globalY, noiseSeed ^ 0x3c6ef372) < dust) offset -= 90;
      if (scratchColumns.has(x) && hashNoise(7, globalY >> 3, noiseSeed) > 0.3) offset += 35;
      if (gain < 0) gain = 0;
      const to = (row * width + x) * 3;
      for (let channel = 0; channel < 3; channel++) {
        const mixed = matrix[channel * 3] * red + matrix[channel * 3 + 1] * green + matrix[channel * 3 + 2] * blue;
        const level = mixed < 0 ? 0 : mixed > 255 ? 255 : mixed | 0;
        output[to + channel] = curve[level] * gain + offset;
      }
    }
  }
  return { data: new Uint8Array(output.buffer) };
}
