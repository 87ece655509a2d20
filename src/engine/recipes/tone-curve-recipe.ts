import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import type { ToneCurveParameters } from '../kernels/tone-curve.ts';
import type { RecipeContext } from './recipe.ts';

/** A tone curve: maps an input level in [0, 1] to an output level in [0, 1]. */
export type Curve = (level: number) => number;

/** Builds the 768-byte lookup table for three per-channel curves (values outside [0, 1] saturate). */
export function lookupTable(red: Curve, green: Curve, blue: Curve): Uint8Array {
  const table = new Uint8Array(768);
  [red, green, blue].forEach((curve, channel) => {
    for (let level = 0; level < 256; level++) {
      table[channel * 256 + level] = Math.max(0, Math.min(255, Math.round(curve(level / 255) * 255)));
    }
  });
  return table;
}

/** Runs a tone-curve lookup over the image in the worker pool. */
export async function applyLookupTable(image: RawImage, table: Uint8Array, context: RecipeContext): Promise<RawImage> {
  const data = await runInBands<ToneCurveParameters>(context.pool, { module: 'kernels/tone-curve.ts', exportName: 'toneCurveBand' }, {
    width: image.width, height: image.height, halo: 0, outputChannels: 3, signal: context.signal,
    sources: { image: { data: image.data, channels: 3 } },
    parameters: { table },
  });
  return { data, width: image.width, height: image.height, channels: 3 };
}

/** Lifts levels like more exposure but never clips: 1 − (1 − x)^k, k ≥ 1. */
export function exposureLift(exponent: number): Curve {
  return (level) => 1 - Math.pow(1 - level, exponent);
}

/** Lowers levels and keeps white: x^k, k ≥ 1. */
export function exposureDrop(exponent: number): Curve {
  return (level) => Math.pow(level, exponent);
}
