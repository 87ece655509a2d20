import type { BandInput } from '../run-in-bands.ts';
import { hashNoise, fractalNoiseField } from './noise.ts';

/** Parameters of {@link charcoalBand}. */
export interface CharcoalParameters {
  /** Darkness added per level of gradient (bold contour strokes). */
  edgeGain: number;
  /** Luminance (0–1) below which tone turns to solid charcoal, and above which paper stays white. */
  shadowLevel: number;
  lightLevel: number;
  /** Direction of the smudged strokes, radians. */
  strokeAngle: number;
  /** Length of one smudged stroke in pixels. */
  strokeLength: number;
  /** Paper grain cell size in pixels (charcoal catches on the paper's tooth). */
  grainSize: number;
  noiseSeed: number;
  /** Paper and charcoal colours, RGB. */
  paper: [number, number, number];
  charcoal: [number, number, number];
}

/**
 * Charcoal drawing: heavy contours from the gradient of a softened luminance, high-contrast massed tone (shadows go
 * nearly black, lights stay paper), smudged directional strokes and paper tooth that breaks the dark areas into
 * grain. Bolder and grainier than the pencil sketch. `soft` is one plane; halo 1.
 */
export function charcoalBand(input: BandInput<CharcoalParameters> & { soft: Uint8Array }): { data: Uint8Array } {
  const { width, height, top, haloTop, haloBottom, soft, parameters } = input;
  const { edgeGain, shadowLevel, lightLevel, strokeLength, noiseSeed, paper, charcoal } = parameters;
  const rows = height - haloTop - haloBottom;
  const tooth = fractalNoiseField(width, top + haloTop, rows, Math.max(1, parameters.grainSize), 2, noiseSeed);
  const cosine = Math.cos(parameters.strokeAngle);
  const sine = Math.sin(parameters.strokeAngle);
  const output = new Uint8ClampedArray(rows * width * 3);
  for (let row = 0; row < rows; row++) {
    const y = row + haloTop;
    const globalY = top + y;
    const up = Math.max(0, y - 1) * width;
    const down = Math.min(height - 1, y + 1) * width;
    const here = y * width;
    for (let x = 0; x < width; x++) {
      const left = x > 0 ? x - 1 : x;
      const right = x < width - 1 ? x + 1 : x;
      const gradient = Math.hypot(soft[here + right] - soft[here + left], soft[down + x] - soft[up + x]) / 255;
      const luminance = soft[here + x] / 255;
      let tone = (lightLevel - luminance) / (lightLevel - shadowLevel);
      tone = tone < 0 ? 0 : tone > 1 ? 1 : tone * tone * (3 - 2 * tone);
      // Smudged strokes: a random darkness per stroke, strokes 3 px wide along the stroke angle.
      const across = Math.floor((x * sine - globalY * cosine) / 3);
      const along = Math.floor((x * cosine + globalY * sine) / strokeLength + hashNoise(across, 3, noiseSeed) * 5);
      const stroke = hashNoise(across, along, noiseSeed ^ 0x7f4a7c15);
      let darkness = Math.min(1, gradient * edgeGain + tone * (0.6 + 0.4 * stroke));
      // Paper tooth: the grain's peaks stay light inside mid-tones, so dark areas look rubbed on, not printed.
      const grain = tooth[row * width + x];
      darkness *= 0.7 + 0.45 * grain;
      if (darkness > 1) darkness = 1;
      const to = (row * width + x) * 3;
      output[to] = paper[0] + (charcoal[0] - paper[0]) * darkness;
      output[to + 1] = paper[1] + (charcoal[1] - paper[1]) * darkness;
      output[to + 2] = paper[2] + (charcoal[2] - paper[2]) * darkness;
    }
  }
  return { data: new Uint8Array(output.buffer) };
}
