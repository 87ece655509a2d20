import type { BandInput } from '../run-in-bands.ts';
import { paletteDistance } from './colour-distance.ts';

/** Parameters of {@link paletteMapBand}. */
export interface PaletteMapParameters {
  /** `k × 3` bytes of palette colours. */
  palette: Uint8Array;
}

/** Replaces every pixel by its nearest palette colour (same distance as the k-means that built the palette). No halo. */
export function paletteMapBand(input: BandInput<PaletteMapParameters> & { image: Uint8Array }): { data: Uint8Array } {
  const { width, height, haloTop, haloBottom, image } = input;
  const { palette } = input.parameters;
  const colours = palette.length / 3;
  const start = haloTop * width * 3;
  const end = (height - haloBottom) * width * 3;
  const output = new Uint8Array(end - start);
  for (let from = start, to = 0; from < end; from += 3, to += 3) {
    const red = image[from], green = image[from + 1], blue = image[from + 2];
    let best = 0;
    let bestDistance = Infinity;
    for (let colour = 0; colour < colours; colour++) {
      const distance = paletteDistance(red, green, blue, palette[colour * 3], palette[colour * 3 + 1], palette[colour * 3 + 2]);
      if (distance < bestDistance) { bestDistance = distance; best = colour; }
    }
    output[to] = palette[best * 3];
    output[to + 1] = palette[best * 3 + 1];
    output[to + 2] = palette[best * 3 + 2];
  }
  return { data: output };
}
