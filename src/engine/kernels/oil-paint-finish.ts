import type { BandInput } from '../run-in-bands.ts';
import { hashNoise } from './noise.ts';

/** Parameters of {@link oilPaintFinishBand}. */
export interface OilPaintFinishParameters {
  /** Half length of a brush stroke in pixels (the streak texture is averaged over 2·n+1 samples). */
  strokeHalfLength: number;
  /** Bristle width in pixels: the noise cell size the strokes smear. */
  bristleWidth: number;
  /** Seed of the bristle noise. */
  noiseSeed: number;
  /** Saturation multiplier (1 = unchanged). */
  saturation: number;
  /** Strength of the raking-light relief, in levels per unit slope. */
  relief: number;
  /** Direction the light comes from, radians. */
  lightAngle: number;
}

/**
 * The "paint" part of the oil painting: smears bristle noise along the image's edges (a line-integral-convolution
 * of noise along the direction perpendicular to the gradient of `guide`, a blurred luminance), turns it plus the
 * flattened colour patches into a height field and lights it from one side, so strokes and ridges show as impasto.
 * Band kernel: `image` is the Kuwahara output (RGB), `guide` one plane, halo ≥ strokeHalfLength + 1.
 */
export function oilPaintFinishBand(input: BandInput<OilPaintFinishParameters> & { image: Uint8Array; guide: Uint8Array }): { data: Uint8Array } {
  const { width, height, top, haloTop, haloBottom, image, guide, parameters } = input;
  const halfLength = Math.max(1, Math.round(parameters.strokeHalfLength));
  const bristle = Math.max(1, parameters.bristleWidth);
  const seed = parameters.noiseSeed | 0;
  // A fixed number of samples spread along the stroke: the cost per pixel no longer grows with the image size,
  // and samples closer than a bristle width would hit the same noise cell anyway.
  const strokeSamples = Math.min(halfLength, 5);
  const sampleSpacing = halfLength / strokeSamples;
  const heightField = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const upRow = Math.max(0, y - 1) * width;
    const downRow = Math.min(height - 1, y + 1) * width;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const left = x > 0 ? x - 1 : 0;
      const right = x < width - 1 ? x + 1 : x;
      const gradientX = guide[row + right] - guide[row + left];
      const gradientY = guide[downRow + x] - guide[upRow + x];
      const magnitude = Math.hypot(gradientX, gradientY);
      // Strokes run along edges (perpendicular to the gradient); in flat areas they fall back to a diagonal.
      let directionX = 0.7071, directionY = 0.7071;
      if (magnitude > 0.5) {
        directionX = -gradientY / magnitude;
        directionY = gradientX / magnitude;
      }
      let sum = 0;
      for (let step = -strokeSamples; step <= strokeSamples; step++) {
        const sampleX = x + directionX * step * sampleSpacing;
        const sampleY = top + y + directionY * step * sampleSpacing;
        sum += hashNoise(Math.floor(sampleX / bristle), Math.floor(sampleY / bristle), seed);
      }
      const pixel = (row + x) * 3;
      const luminance = (image[pixel] * 54 + image[pixel + 1] * 183 + image[pixel + 2] * 19) / 65536;
      heightField[row + x] = (sum / (2 * strokeSamples + 1)) * 0.8 + luminance * 0.35;
    }
  }
  const lightX = Math.cos(parameters.lightAngle);
  const lightY = Math.sin(parameters.lightAngle);
  const saturation = parameters.saturation;
  const relief = parameters.relief;
  // Clamped view: out-of-range results saturate at 0/255 instead of wrapping around.
  const output = new Uint8ClampedArray((height - haloTop - haloBottom) * width * 3);
  let to = 0;
  for (let y = haloTop; y < height - haloBottom; y++) {
    const row = y * width;
    const upRow = Math.max(0, y - 1) * width;
    const downRow = Math.min(height - 1, y + 1) * width;
    for (let x = 0; x < width; x++) {
      const left = x > 0 ? x - 1 : 0;
      const right = x < width - 1 ? x + 1 : x;
      const slopeX = heightField[row + right] - heightField[row + left];
      const slopeY = heightField[downRow + x] - heightField[upRow + x];
      const shade = (slopeX * lightX + slopeY * lightY) * relief;
      const pixel = (row + x) * 3;
      const red = image[pixel], green = image[pixel + 1], blue = image[pixel + 2];
      const grey = (red * 54 + green * 183 + blue * 19) / 256;
      output[to++] = grey + (red - grey) * saturation + shade;
      output[to++] = grey + (green - grey) * saturation + shade;
      output[to++] = grey + (blue - grey) * saturation + shade;
    }
  }
  return { data: new Uint8Array(output.buffer) };
}
