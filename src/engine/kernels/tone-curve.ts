import type { BandInput } from '../run-in-bands.ts';

/** Parameters of {@link toneCurveBand}: one 256-entry lookup table per channel (768 bytes, R then G then B). */
export interface ToneCurveParameters {
  table: Uint8Array;
}

/** Applies per-channel lookup tables (tone curves) to an RGB band: the cheapest possible per-pixel pass. */
export function toneCurveBand(input: BandInput<ToneCurveParameters> & { image: Uint8Array }): { data: Uint8Array } {
  const { width, height, haloTop, haloBottom, image } = input;
  const table = input.parameters.table;
  const start = haloTop * width * 3;
  const end = (height - haloBottom) * width * 3;
  const output = new Uint8Array(end - start);
  for (let from = start, to = 0; from < end; from += 3, to += 3) {
    output[to] = table[image[from]];
    output[to + 1] = table[256 + image[from + 1]];
    output[to + 2] = table[512 + image[from + 2]];
  }
  return { data: output };
}
