import type { BandInput } from '../run-in-bands.ts';
import { hashNoise } from './noise.ts';

/** Parameters of {@link nightGradeBand}. */
export interface NightGradeParameters {
  /** Exposure kept in the foreground (matte 0) and in the background (matte 255). */
  foregroundExposure: number;
  backgroundExposure: number;
  /** Fraction of colour kept (night vision is scotopic: mostly colourless). */
  colourKept: number;
  /** Moonlight tint multiplied into every pixel, RGB gains. */
  tint: [number, number, number];
  /** Stars per pixel of clear background. */
  starDensity: number;
  /** Moon centre and radius in pixels (global coordinates); radius 0 = no moon. */
  moonX: number;
  moonY: number;
  moonRadius: number;
  noiseSeed: number;
}

/**
 * Day-for-night grade in the spirit of Thompson, Shirley & Ferwerda, "A Spatial Post-Processing Algorithm for
 * Images of Night Scenes" (JGT 2002): colour fades towards a blue-shifted grey, and exposure drops — much further
 * where `matte` says background/sky than on the subject, so the subject stays readable. The clear background gets
 * seeded stars and a moon with a soft glow, only where `sky` says open sky, so they stay off the subject and off
 * sky-less pictures. `matte` and `sky` are planes (255 = background / sky); no halo.
 */
export function nightGradeBand(input: BandInput<NightGradeParameters> & { image: Uint8Array; matte: Uint8Array; sky: Uint8Array }): { data: Uint8Array } {
  const { width, height, top, haloTop, haloBottom, image, matte, sky: skyMap, parameters } = input;
  const { foregroundExposure, backgroundExposure, colourKept, tint, starDensity, moonX, moonY, moonRadius, noiseSeed } = parameters;
  const rows = height - haloTop - haloBottom;
  const output = new Uint8ClampedArray(rows * width * 3);
  const glowRadius = moonRadius * 7;
  for (let row = 0; row < rows; row++) {
    const y = row + haloTop;
    const globalY = top + y;
    for (let x = 0; x < width; x++) {
      const pixel = y * width + x;
      const from = pixel * 3;
      const background = matte[pixel] / 255;
      const red = image[from], green = image[from + 1], blue = image[from + 2];
      const grey = 0.2126 * red + 0.7152 * green + 0.0722 * blue;
      const exposure = foregroundExposure + (backgroundExposure - foregroundExposure) * background;
      // A gentle gamma on top of the exposure keeps highlights (eyes, lamps) while shadows sink.
      const shaped = Math.pow(grey / 255, 1.15) * 255;
      const gain = grey > 0 ? (shaped / grey) * exposure : exposure;
      let outRed = (grey + (red - grey) * colourKept) * gain * tint[0];
      let outGreen = (grey + (green - grey) * colourKept) * gain * tint[1];
      let outBlue = (grey + (blue - grey) * colourKept) * gain * tint[2];
      const skyLevel = skyMap[pixel] / 255;
      const sky = skyLevel > 0.5 ? Math.min(1, (skyLevel - 0.5) / 0.3) : 0;
      if (sky > 0) {
        if (moonRadius > 0) {
          const distance = Math.hypot(x - moonX, globalY - moonY);
          if (distance < moonRadius) {
            const disc = Math.min(1, moonRadius - distance) * Math.min(1, sky * 1.6);
            outRed += (235 - outRed) * disc; outGreen += (238 - outGreen) * disc; outBlue += (225 - outBlue) * disc;
          } else if (distance < glowRadius) {
            const glow = (1 - (distance - moonRadius) / (glowRadius - moonRadius)) ** 2 * 55 * sky;
            outRed += glow * 0.8; outGreen += glow * 0.88; outBlue += glow;
          }
        }
        if (hashNoise(x, globalY, noiseSeed) < starDensity * sky) {
          const twinkle = 150 + 105 * hashNoise(x, globalY, noiseSeed ^ 0x51ed270b);
          outRed += twinkle * 0.9 * sky; outGreen += twinkle * 0.93 * sky; outBlue += twinkle * sky;
        }
      }
      const to = (row * width + x) * 3;
      output[to] = outRed;
      output[to + 1] = outGreen;
      output[to + 2] = outBlue;
    }
  }
  return { data: new Uint8Array(output.buffer) };
}
