import type { BandInput } from '../run-in-bands.ts';
import { fractalNoiseField, valueNoiseField } from './noise.ts';

/** Parameters of {@link watercolorFinishBand}. */
export interface WatercolorFinishParameters {
  /** Size in pixels of the pigment-density blotches (turbulent flow). */
  blotchScale: number;
  /** Strength of the blotches, as a pigment-density offset. */
  blotchStrength: number;
  /** Strength of the paper grain. */
  grainStrength: number;
  /** Pigment pooling at wash borders: density added per level of local gradient. */
  edgeDarkening: number;
  /** How far colours are pulled towards the paper (watercolour pigment is transparent). */
  dilution: number;
  /** Maximum displacement of wash borders, pixels (wobbly hand-painted edges). */
  wobble: number;
  /** Seed of every noise layer. */
  noiseSeed: number;
}

/**
 * Watercolour look in image space after Bousseau, Kaplan, Thollot & Sillion, "Interactive Watercolor Rendering
 * with Temporal Coherence and Abstraction" (NPAR 2006): on an abstracted (smoothed) image, pigment density is
 * modulated by low-frequency turbulence, paper grain and edge darkening, using their colour-modification model
 * C' = C − (C − C²)(d − 1); wash borders are displaced by noise so they wobble like a wet brush.
 * `image` is the abstracted RGB band; halo ≥ wobble + 1.
 */
export function watercolorFinishBand(input: BandInput<WatercolorFinishParameters> & { image: Uint8Array }): { data: Uint8Array } {
  const { width, height, top, haloTop, haloBottom, image, parameters } = input;
  const rows = height - haloTop - haloBottom;
  const seed = parameters.noiseSeed | 0;
  const bandTop = top + haloTop;
  const blotches = fractalNoiseField(width, bandTop, rows, parameters.blotchScale, 3, seed);
  const grain = fractalNoiseField(width, bandTop, rows, 3, 2, seed ^ 0x68e31da4);
  const wobbleX = valueNoiseField(width, bandTop, rows, parameters.blotchScale * 0.4, seed ^ 0x1b56c4e9);
  const wobbleY = valueNoiseField(width, bandTop, rows, parameters.blotchScale * 0.4, seed ^ 0x2f9be6a1);
  const { blotchStrength, grainStrength, edgeDarkening, dilution, wobble } = parameters;
  const output = new Uint8ClampedArray(rows * width * 3);
  const clampRow = (row: number) => (row < 0 ? 0 : row >= height ? height - 1 : row);
  const clampColumn = (column: number) => (column < 0 ? 0 : column >= width ? width - 1 : column);
  const luminanceAt = (x: number, y: number) => {
    const at = (y * width + x) * 3;
    return (image[at] * 54 + image[at + 1] * 183 + image[at + 2] * 19) / 65280;
  };
  for (let row = 0; row < rows; row++) {
    for (let x = 0; x < width; x++) {
      const field = row * width + x;
      const sampleX = clampColumn(Math.round(x + (wobbleX[field] - 0.5) * 2 * wobble));
      const sampleY = clampRow(Math.round(row + haloTop + (wobbleY[field] - 0.5) * 2 * wobble));
      const gradient = Math.abs(luminanceAt(clampColumn(sampleX + 1), sampleY) - luminanceAt(clampColumn(sampleX - 1), sampleY))
        + Math.abs(luminanceAt(sampleX, clampRow(sampleY + 1)) - luminanceAt(sampleX, clampRow(sampleY - 1)));
      // Fractal noise clusters around 0.5; doubling its spread lets blooms reach the full strength.
      const density = 1 + (blotches[field] - 0.5) * 2 * blotchStrength + (grain[field] - 0.5) * grainStrength + Math.min(0.6, gradient * edgeDarkening);
      const at = (sampleY * width + sampleX) * 3;
      const to = field * 3;
      for (let channel = 0; channel < 3; channel++) {
        const colour = 1 - (1 - image[at + channel] / 255) * dilution;
        output[to + channel] = (colour - (colour - colour * colour) * (density - 1)) * 255;
      }
    }
  }
  return { data: new Uint8Array(output.buffer) };
}
