import { boxBlurPlane } from './box-blur.ts';
import type { RasterRgba } from './frame-sampler.ts';

/** Below this share of the picture, the highlight mask is too small for a visible flicker. */
export const minimumHighlightCoverage = 0.005;

/**
 * Marks the bright areas of the picture (lamps, windows, candles, neon) in the raster's fourth channel, softly, so
 * that `flicker` modulates light sources and leaves the rest alone. The threshold adapts to the picture (its
 * brightest ~12 %), but never goes below mid-grey, so a dark night scene still picks out its lights and a bright
 * daylight scene does not flicker everywhere. Returns the share of the picture the mask covers.
 */
export function writeHighlightMask(source: RasterRgba): number {
  const { data, width, height } = source;
  const pixels = width * height;
  const luma = new Float32Array(pixels);
  const histogram = new Uint32Array(256);
  for (let pixel = 0, index = 0; pixel < pixels; pixel++, index += 4) {
    const value = 0.299 * data[index] + 0.587 * data[index + 1] + 0.114 * data[index + 2];
    luma[pixel] = value;
    histogram[value | 0]++;
  }
  const low = Math.max(128, percentile(histogram, pixels, 0.88));
  const high = Math.max(low + 24, percentile(histogram, pixels, 0.985));
  const mask = new Float32Array(pixels);
  for (let pixel = 0; pixel < pixels; pixel++) {
    const t = Math.min(1, Math.max(0, (luma[pixel] - low) / (high - low)));
    mask[pixel] = t * t * (3 - 2 * t);
  }
  // Feathered so the glow around a light flickers with it, as a real halo would.
  const feathered = boxBlurPlane(mask, width, height, Math.max(1, Math.round(0.008 * Math.min(width, height))), 2);
  let covered = 0;
  for (let pixel = 0, index = 3; pixel < pixels; pixel++, index += 4) {
    const value = Math.min(255, feathered[pixel] * 255 + 0.5) | 0;
    data[index] = value;
    covered += value;
  }
  return covered / 255 / pixels;
}

/** The histogram bin below which `share` of the pixels fall. */
function percentile(histogram: Uint32Array, total: number, share: number): number {
  const target = share * total;
  let running = 0;
  for (let bin = 0; bin < 256; bin++) {
    running += histogram[bin];
    if (running >= target) return bin;
  }
  return 255;
}
