import { createSeededRandom } from '../seeded-random.ts';
import { paletteDistance } from './colour-distance.ts';

/** Input of {@link analysePalette}: a small RGB copy of the image (a few thousand pixels is plenty). */
export interface PaletteAnalysisInput {
  image: Uint8Array;
  /** Number of palette colours (k-means clusters). */
  colours: number;
  /** Seed of the k-means++ initialisation: different seeds give different, equally valid palettes. */
  seed: number;
  /** Lloyd iterations. */
  iterations: number;
  /** Luminance quantiles to report, each in [0, 1]. */
  quantiles: number[];
}

export interface PaletteAnalysis {
  /** `colours × 3` bytes, sorted from dark to light. */
  palette: Uint8Array;
  /** Luminance (0–255) at each requested quantile. */
  luminanceQuantiles: number[];
}

/**
 * Finds a small palette by k-means (Lloyd's algorithm with k-means++ seeding) and the luminance quantiles of a
 * downscaled image; cartoon, anime and pop-art quantise the full image against the result.
 */
export function analysePalette(input: PaletteAnalysisInput): PaletteAnalysis {
  const { image, colours } = input;
  const pixelCount = Math.floor(image.length / 3);
  if (pixelCount === 0) throw new RangeError('analysePalette needs at least one pixel');
  const clusterCount = Math.min(colours, pixelCount);
  const random = createSeededRandom(input.seed);
  const centres = new Float64Array(clusterCount * 3);
  const nearestDistance = new Float64Array(pixelCount).fill(Infinity);
  // k-means++: each new centre is drawn with probability proportional to its squared distance from the chosen ones.
  let chosen = Math.floor(random.next() * pixelCount);
  for (let cluster = 0; cluster < clusterCount; cluster++) {
    centres[cluster * 3] = image[chosen * 3];
    centres[cluster * 3 + 1] = image[chosen * 3 + 1];
    centres[cluster * 3 + 2] = image[chosen * 3 + 2];
    let total = 0;
    for (let pixel = 0; pixel < pixelCount; pixel++) {
      const distance = squaredDistance(image, pixel * 3, centres, cluster * 3);
      if (distance < nearestDistance[pixel]) nearestDistance[pixel] = distance;
      total += nearestDistance[pixel];
    }
    let target = random.next() * total;
    chosen = pixelCount - 1;
    for (let pixel = 0; pixel < pixelCount; pixel++) {
      target -= nearestDistance[pixel];
      if (target <= 0) { chosen = pixel; break; }
    }
  }
  const sums = new Float64Array(clusterCount * 4);
  for (let iteration = 0; iteration < input.iterations; iteration++) {
    sums.fill(0);
    for (let pixel = 0; pixel < pixelCount; pixel++) {
      let best = 0;
      let bestDistance = Infinity;
      for (let cluster = 0; cluster < clusterCount; cluster++) {
        const distance = squaredDistance(image, pixel * 3, centres, cluster * 3);
        if (distance < bestDistance) { bestDistance = distance; best = cluster; }
      }
      sums[best * 4] += image[pixel * 3];
      sums[best * 4 + 1] += image[pixel * 3 + 1];
      sums[best * 4 + 2] += image[pixel * 3 + 2];
      sums[best * 4 + 3] += 1;
    }
    for (let cluster = 0; cluster < clusterCount; cluster++) {
      const count = sums[cluster * 4 + 3];
      if (count === 0) continue;
      centres[cluster * 3] = sums[cluster * 4] / count;
      centres[cluster * 3 + 1] = sums[cluster * 4 + 1] / count;
      centres[cluster * 3 + 2] = sums[cluster * 4 + 2] / count;
    }
  }
  const order = Array.from({ length: clusterCount }, (_, cluster) => cluster).sort(
    (first, second) => luminance(centres, first * 3) - luminance(centres, second * 3),
  );
  const palette = new Uint8Array(clusterCount * 3);
  order.forEach((cluster, rank) => {
    for (let channel = 0; channel < 3; channel++) palette[rank * 3 + channel] = Math.round(centres[cluster * 3 + channel]);
  });
  const histogram = new Uint32Array(256);
  for (let pixel = 0; pixel < pixelCount; pixel++) histogram[Math.round(luminance(image, pixel * 3))]++;
  const luminanceQuantiles = input.quantiles.map((quantile) => {
    const wanted = quantile * pixelCount;
    let seen = 0;
    for (let level = 0; level < 256; level++) {
      seen += histogram[level];
      if (seen >= wanted) return level;
    }
    return 255;
  });
  return { palette, luminanceQuantiles };
}

function squaredDistance(image: ArrayLike<number>, at: number, centres: Float64Array, centre: number): number {
  return paletteDistance(image[at], image[at + 1], image[at + 2], centres[centre], centres[centre + 1], centres[centre + 2]);
}

function luminance(values: ArrayLike<number>, at: number): number {
  return 0.2126 * values[at] + 0.7152 * values[at + 1] + 0.0722 * values[at + 2];
}
