import type { BandInput } from '../run-in-bands.ts';

/** Parameters of {@link vibranceBand}. */
export interface VibranceParameters {
  /** Extra saturation for a fully grey pixel (e.g. 0.9 = +90 %); saturated pixels get proportionally less. */
  amount: number;
  /** Extra saturation applied to every pixel regardless of its saturation. */
  baseline: number;
  /** Mid-tone contrast gain around 0.5 (0 = none). */
  contrast: number;
}

/**
 * "More colours": vibrance rather than plain saturation. Each pixel's chroma is scaled by
 * 1 + baseline + amount · (1 − saturation)², so dull areas gain the most and already vivid ones (skin, skies, signs)
 * do not clip into flat blobs; a mild S-curve adds punch.
 */
export function vibranceBand(input: BandInput<VibranceParameters> & { image: Uint8Array }): { data: Uint8Array } {
  const { width, height, haloTop, haloBottom, image } = input;
  const { amount, baseline, contrast } = input.parameters;
  const start = haloTop * width * 3;
  const end = (height - haloBottom) * width * 3;
  const output = new Uint8ClampedArray(end - start);
  const curve = new Float32Array(256);
  for (let level = 0; level < 256; level++) {
    const value = level / 255;
    const sCurve = value + contrast * value * (1 - value) * (value - 0.5) * 4;
    curve[level] = sCurve * 255;
  }
  for (let from = start, to = 0; from < end; from += 3, to += 3) {
    const red = image[from], green = image[from + 1], blue = image[from + 2];
    const maximum = Math.max(red, green, blue);
    const minimum = Math.min(red, green, blue);
    const saturation = maximum === 0 ? 0 : (maximum - minimum) / maximum;
    const gain = 1 + baseline + amount * (1 - saturation) * (1 - saturation);
    const grey = (red * 54 + green * 183 + blue * 19) >> 8;
    const toned = curve[grey] - grey;
    output[to] = grey + (red - grey) * gain + toned;
    output[to + 1] = grey + (green - grey) * gain + toned;
    output[to + 2] = grey + (blue - grey) * gain + toned;
  }
  return { data: new Uint8Array(output.buffer) };
}
