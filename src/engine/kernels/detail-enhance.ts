import type { BandInput } from '../run-in-bands.ts';

/** Parameters of {@link detailEnhanceBand}. */
export interface DetailEnhanceParameters {
  /** Unsharp-mask gain on fine detail (image − small blur). */
  sharpen: number;
  /** Gain on local contrast (luminance − large blur), the "clarity" slider. */
  clarity: number;
  /** Fine differences smaller than this many levels are left alone, so sensor noise is not amplified. */
  threshold: number;
}

/**
 * "More details": unsharp masking for fine texture plus a large-radius local-contrast boost ("clarity"), weighted
 * towards mid-tones so shadows and highlights do not clip. `fine` is the image blurred with a small sigma (RGB),
 * `coarse` its luminance blurred with a large sigma (one plane). No halo needed: the blurs were done by libvips.
 */
export function detailEnhanceBand(input: BandInput<DetailEnhanceParameters> & { image: Uint8Array; fine: Uint8Array; coarse: Uint8Array }): { data: Uint8Array } {
  const { width, height, haloTop, haloBottom, image, fine, coarse } = input;
  const { sharpen, clarity, threshold } = input.parameters;
  const firstPixel = haloTop * width;
  const lastPixel = (height - haloBottom) * width;
  const output = new Uint8ClampedArray((lastPixel - firstPixel) * 3);
  for (let pixel = firstPixel, to = 0; pixel < lastPixel; pixel++, to += 3) {
    const from = pixel * 3;
    const red = image[from], green = image[from + 1], blue = image[from + 2];
    const luminance = (red * 54 + green * 183 + blue * 19) >> 8;
    const midtone = 1 - Math.abs(luminance - 128) / 160;
    const local = (luminance - coarse[pixel]) * clarity * midtone;
    for (let channel = 0; channel < 3; channel++) {
      const value = image[from + channel];
      let difference = value - fine[from + channel];
      // Soft threshold: shrink small differences towards zero instead of cutting them off.
      difference = difference > threshold ? difference - threshold : difference < -threshold ? difference + threshold : 0;
      output[to + channel] = value + difference * sharpen + local;
    }
  }
  return { data: new Uint8Array(output.buffer) };
}
