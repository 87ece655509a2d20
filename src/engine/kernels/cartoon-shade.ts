import type { BandInput } from '../run-in-bands.ts';
import { chromaWeight } from './colour-distance.ts';

/** Parameters of {@link cartoonShadeBand}. */
export interface CartoonShadeParameters {
  /** `k × 3` bytes of palette colours. */
  palette: Uint8Array;
  /** A pixel is an outline where the difference of Gaussians falls below −threshold (levels). */
  edgeThreshold: number;
  /** Outline colour, RGB. */
  outline: [number, number, number];
}

/**
 * Cartoon: every pixel of the smoothed image snaps to its nearest palette colour, and outlines (difference of
 * Gaussians on luminance, Winnemöller, Olsen & Gooch, "Real-Time Video Abstraction", SIGGRAPH 2006) are drawn in a
 * single outline colour, so the result has at most palette + 1 colours. `narrow` and `wide` are the luminance
 * blurred at σ and 1.6σ; no halo.
 */
export function cartoonShadeBand(input: BandInput<CartoonShadeParameters> & { image: Uint8Array; narrow: Uint8Array; wide: Uint8Array }): { data: Uint8Array } {
  const { width, height, haloTop, haloBottom, image, narrow, wide } = input;
  const { palette, edgeThreshold, outline } = input.parameters;
  const colours = palette.length / 3;
  // The palette in luma/chroma form, so each pixel converts once and compares with a few subtractions
  // (the same metric as paletteDistance).
  const paletteLuma = new Float64Array(colours);
  const paletteBlueChroma = new Float64Array(colours);
  const paletteRedChroma = new Float64Array(colours);
  for (let colour = 0; colour < colours; colour++) {
    const red = palette[colour * 3], green = palette[colour * 3 + 1], blue = palette[colour * 3 + 2];
    paletteLuma[colour] = 0.299 * red + 0.587 * green + 0.114 * blue;
    paletteBlueChroma[colour] = blue - paletteLuma[colour];
    paletteRedChroma[colour] = red - paletteLuma[colour];
  }
  const firstPixel = haloTop * width;
  const lastPixel = (height - haloBottom) * width;
  const output = new Uint8Array((lastPixel - firstPixel) * 3);
  for (let pixel = firstPixel, to = 0; pixel < lastPixel; pixel++, to += 3) {
    if (narrow[pixel] - wide[pixel] < -edgeThreshold) {
      output[to] = outline[0];
      output[to + 1] = outline[1];
      output[to + 2] = outline[2];
      continue;
    }
    const from = pixel * 3;
    const red = image[from], green = image[from + 1], blue = image[from + 2];
    const luma = 0.299 * red + 0.587 * green + 0.114 * blue;
    const blueChroma = blue - luma;
    const redChroma = red - luma;
    let best = 0;
    let bestDistance = Infinity;
    for (let colour = 0; colour < colours; colour++) {
      const deltaLuma = luma - paletteLuma[colour];
      const deltaBlue = blueChroma - paletteBlueChroma[colour];
      const deltaRed = redChroma - paletteRedChroma[colour];
      const distance = deltaLuma * deltaLuma + chromaWeight * (deltaBlue * deltaBlue + deltaRed * deltaRed);
      if (distance < bestDistance) { bestDistance = distance; best = colour; }
    }
    output[to] = palette[best * 3];
    output[to + 1] = palette[best * 3 + 1];
    output[to + 2] = palette[best * 3 + 2];
  }
  return { data: output };
}
