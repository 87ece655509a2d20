import type { BandInput } from '../run-in-bands.ts';

/** Parameters of {@link blendStrengthBand}. */
export interface BlendStrengthParameters {
  /** (0, 1]: 0 would be the original, 1 the full effect. */
  strength: number;
}

/**
 * `strength` as a straight mix: output = original + (styled − original) · strength, per channel. Band kernel with no
 * halo; `original` and `styled` have the same channel count.
 */
export function blendStrengthBand(input: BandInput<BlendStrengthParameters> & { original: Uint8Array; styled: Uint8Array }): { data: Uint8Array } {
  const { original, styled } = input;
  // Fixed-point weight so the result is the same on every machine (no float rounding differences to worry about).
  const weight = Math.round(input.parameters.strength * 65536);
  const output = new Uint8Array(original.length);
  for (let index = 0; index < original.length; index++) {
    const base = original[index];
    output[index] = base + (((styled[index] - base) * weight + 32768) >> 16);
  }
  return { data: output };
}
