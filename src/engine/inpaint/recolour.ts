import { editThreshold } from './mask-geometry.ts';

/**
 * Masked recolouring in CIE L*a*b* (D65): every masked pixel takes the target colour's hue and chroma, while its own
 * lightness variation (the object's shading and texture) is kept, shifted towards the target's lightness and
 * compressed only as much as needed to fit. Chroma follows the shading (darker and lighter than the target colour
 * means less chroma), so shadows of a red object stay dark red instead of turning grey-pink. Runs on a worker
 * (`inpaint/recolour.ts`, `recolourInsideMask`).
 */
export interface RecolourInput {
  /** Interleaved pixels covering the mask's bounds; a 4th channel (alpha) is left as it is. */
  image: Uint8Array;
  /** One byte per pixel; ≥ 128 = recolour. */
  mask: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
  /** Target colour, sRGB. */
  target: readonly [number, number, number];
  /** Extra CIE L* for "light"/"dark" modifiers, added to the target's own. */
  lightnessShift: number;
}

/** How far the area's mean lightness moves to the target's: chromatic colours keep more of the original's. */
const chromaticLightnessPull = 0.6;
const achromaticLightnessPull = 0.85;
/** Below this chroma the target counts as a grey (white, black, silver …). */
const achromaticChroma = 8;

/** Kernel: returns the recoloured pixels (same buffer); pixels outside the mask are not touched. */
export function recolourInsideMask(input: RecolourInput): { image: Uint8Array } {
  const { image, mask, channels } = input;
  const pixelCount = input.width * input.height;
  const lightness = new Float32Array(pixelCount);
  const histogram = new Uint32Array(101);
  const lab = [0, 0, 0];
  let sum = 0;
  let count = 0;
  for (let pixel = 0; pixel < pixelCount; pixel++) {
    if (mask[pixel] < editThreshold) continue;
    const from = pixel * channels;
    srgbToLab(image[from], image[from + 1], image[from + 2], lab);
    lightness[pixel] = lab[0];
    histogram[Math.round(lab[0])]++;
    sum += lab[0];
    count++;
  }
  if (count === 0) return { image };
  const meanLightness = sum / count;
  const target = [0, 0, 0];
  srgbToLab(input.target[0], input.target[1], input.target[2], target);
  const targetLightness = Math.min(100, Math.max(0, target[0] + input.lightnessShift));
  const targetChroma = Math.hypot(target[1], target[2]);
  const pull = targetChroma < achromaticChroma ? achromaticLightnessPull : chromaticLightnessPull;
  const newMean = meanLightness + (targetLightness - meanLightness) * pull;
  // Scale the deviations only as much as the 2nd–98th percentile range needs to fit into [0, 100] around the new
  // mean: a linear map keeps the texture's structure, a clip would flatten highlights or shadows.
  const low = percentile(histogram, count, 0.02);
  const high = percentile(histogram, count, 0.98);
  const scaleUp = high > meanLightness ? (100 - newMean) / (high - meanLightness) : 1;
  const scaleDown = low < meanLightness ? newMean / (meanLightness - low) : 1;
  const contrast = Math.min(1, scaleUp, scaleDown);
  const rgb = [0, 0, 0];
  for (let pixel = 0; pixel < pixelCount; pixel++) {
    if (mask[pixel] < editThreshold) continue;
    const newLightness = Math.min(100, Math.max(0, newMean + (lightness[pixel] - meanLightness) * contrast));
    const shade = newLightness < targetLightness ? newLightness / Math.max(targetLightness, 1e-3) : (100 - newLightness) / Math.max(100 - targetLightness, 1e-3);
    const chromaScale = Math.sqrt(Math.min(1, Math.max(0, shade)));
    labToSrgb(newLightness, target[1] * chromaScale, target[2] * chromaScale, rgb);
    const to = pixel * channels;
    image[to] = rgb[0];
    image[to + 1] = rgb[1];
    image[to + 2] = rgb[2];
  }
  return { image };
}

function percentile(histogram: Uint32Array, count: number, fraction: number): number {
  const wanted = fraction * count;
  let seen = 0;
  for (let bin = 0; bin < histogram.length; bin++) {
    seen += histogram[bin];
    if (seen >= wanted) return bin;
  }
  return histogram.length - 1;
}

const linearFromByte = new Float64Array(256);
for (let value = 0; value < 256; value++) {
  const unit = value / 255;
  linearFromByte[value] = unit <= 0.04045 ? unit / 12.92 : Math.pow((unit + 0.055) / 1.055, 2.4);
}
const whiteX = 0.95047;
const whiteZ = 1.08883;
const epsilon = 216 / 24389;
const kappa = 24389 / 27;

/** sRGB bytes → CIE L*a*b* (D65), written into `output`. */
export function srgbToLab(red: number, green: number, blue: number, output: number[]): void {
  const r = linearFromByte[red];
  const g = linearFromByte[green];
  const b = linearFromByte[blue];
  const x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / whiteX;
  const y = 0.2126729 * r + 0.7151522 * g + 0.072175 * b;
  const z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / whiteZ;
  const fx = x > epsilon ? Math.cbrt(x) : (kappa * x + 16) / 116;
  const fy = y > epsilon ? Math.cbrt(y) : (kappa * y + 16) / 116;
  const fz = z > epsilon ? Math.cbrt(z) : (kappa * z + 16) / 116;
  output[0] = 116 * fy - 16;
  output[1] = 500 * (fx - fy);
  output[2] = 200 * (fy - fz);
}

/** CIE L*a*b* (D65) → sRGB bytes; colours outside the sRGB gamut are cut per channel. */
export function labToSrgb(lightness: number, a: number, b: number, output: number[]): void {
  const fy = (lightness + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - b / 200;
  const x = (fx * fx * fx > epsilon ? fx * fx * fx : (116 * fx - 16) / kappa) * whiteX;
  const y = lightness > kappa * epsilon ? fy * fy * fy : lightness / kappa;
  const z = (fz * fz * fz > epsilon ? fz * fz * fz : (116 * fz - 16) / kappa) * whiteZ;
  output[0] = encodeChannel(3.2404542 * x - 1.5371385 * y - 0.4985314 * z);
  output[1] = encodeChannel(-0.969266 * x + 1.8760108 * y + 0.041556 * z);
  output[2] = encodeChannel(0.0556434 * x - 0.2040259 * y + 1.0572252 * z);
}

function encodeChannel(linear: number): number {
  const clipped = linear <= 0 ? 0 : linear >= 1 ? 1 : linear;
  const encoded = clipped <= 0.0031308 ? 12.92 * clipped : 1.055 * Math.pow(clipped, 1 / 2.4) - 0.055;
  return Math.round(encoded * 255);
}
