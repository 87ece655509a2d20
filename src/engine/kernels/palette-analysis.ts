import { createSeededRandom } from '../seeded-random.ts';
import { toPaletteSpace } from './colour-distance.ts';

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
 * Finds a small palette by k-means (Lloyd's algorithm with k-means++ seeding, then a few farthest-point
 * refinements for small distinct colours) and the luminance quantiles of a downscaled image; cartoon and pixel art
 * quantise the full image against the palette, anime and pop art use the quantiles. Clustering runs in the
 * luma/chroma space of `paletteDistance`, where that distance is plain Euclidean.
 */
export function analysePalette(input: PaletteAnalysisInput): PaletteAnalysis {
  const { image, colours } = input;
  const pixelCount = Math.floor(image.length / 3);
  if (pixelCount === 0) throw new RangeError('analysePalette needs at least one pixel');
  const clusterCount = Math.min(colours, pixelCount);
  const points = new Float64Array(pixelCount * 3);
  for (let pixel = 0; pixel < pixelCount; pixel++) toPaletteSpace(image[pixel * 3], image[pixel * 3 + 1], image[pixel * 3 + 2], points, pixel * 3);
  const random = createSeededRandom(input.seed);
  const centres = new Float64Array(clusterCount * 3);
  const nearest = new Float64Array(pixelCount).fill(Infinity);
  // k-means++: each new centre is drawn with probability proportional to its squared distance from the chosen ones.
  let chosen = Math.floor(random.next() * pixelCount);
  for (let cluster = 0; cluster < clusterCount; cluster++) {
    centres.set(points.subarray(chosen * 3, chosen * 3 + 3), cluster * 3);
    let total = 0;
    for (let pixel = 0; pixel < pixelCount; pixel++) {
      const distance = squaredDistance(points, pixel * 3, centres, cluster * 3);
      if (distance < nearest[pixel]) nearest[pixel] = distance;
      total += nearest[pixel];
    }
    let target = random.next() * total;
    chosen = pixelCount - 1;
    for (let pixel = 0; pixel < pixelCount; pixel++) {
      target -= nearest[pixel];
      if (target <= 0) { chosen = pixel; break; }
    }
  }
  const assignment = new Int32Array(pixelCount);
  lloydIterations(points, pixelCount, centres, clusterCount, input.iterations, assignment, nearest);
  // Farthest-point refinement: k-means serves large areas and averages small, distinct ones away (a green eye in
  // an orange cat). Moving the emptiest cluster to the worst-represented pixel brings such colours back.
  const refinements = Math.min(4, Math.floor(clusterCount / 3));
  for (let refinement = 0; refinement < refinements; refinement++) {
    const counts = new Uint32Array(clusterCount);
    let worstPixel = 0;
    for (let pixel = 0; pixel < pixelCount; pixel++) {
      counts[assignment[pixel]]++;
      if (nearest[pixel] > nearest[worstPixel]) worstPixel = pixel;
    }
    let smallest = 0;
    for (let cluster = 1; cluster < clusterCount; cluster++) if (counts[cluster] < counts[smallest]) smallest = cluster;
    centres.set(points.subarray(worstPixel * 3, worstPixel * 3 + 3), smallest * 3);
    lloydIterations(points, pixelCount, centres, clusterCount, 2, assignment, nearest);
  }
  const rgbCentres = centresToRgb(points, image, assignment, centres, clusterCount);
  const order = Array.from({ length: clusterCount }, (_, cluster) => cluster).sort(
    (first, second) => luminance(rgbCentres, first * 3) - luminance(rgbCentres, second * 3),
  );
  const palette = new Uint8Array(clusterCount * 3);
  order.forEach((cluster, rank) => {
    for (let channel = 0; channel < 3; channel++) palette[rank * 3 + channel] = Math.round(rgbCentres[cluster * 3 + channel]);
  });
  return { palette, luminanceQuantiles: luminanceQuantiles(image, pixelCount, input.quantiles) };
}

function squaredDistance(points: Float64Array, at: number, centres: Float64Array, centre: number): number {
  const first = points[at] - centres[centre];
  const second = points[at + 1] - centres[centre + 1];
  const third = points[at + 2] - centres[centre + 2];
  return first * first + second * second + third * third;
}

/** Lloyd's algorithm; leaves each pixel's cluster in `assignment` and its squared distance in `nearest`. */
function lloydIterations(points: Float64Array, pixelCount: number, centres: Float64Array, clusterCount: number, iterations: number, assignment: Int32Array, nearest: Float64Array): void {
  const sums = new Float64Array(clusterCount * 4);
  for (let iteration = 0; iteration <= iterations; iteration++) {
    sums.fill(0);
    for (let pixel = 0; pixel < pixelCount; pixel++) {
      let best = 0;
      let bestDistance = Infinity;
      for (let cluster = 0; cluster < clusterCount; cluster++) {
        const distance = squaredDistance(points, pixel * 3, centres, cluster * 3);
        if (distance < bestDistance) { bestDistance = distance; best = cluster; }
      }
      assignment[pixel] = best;
      nearest[pixel] = bestDistance;
      sums[best * 4] += points[pixel * 3];
      sums[best * 4 + 1] += points[pixel * 3 + 1];
      sums[best * 4 + 2] += points[pixel * 3 + 2];
      sums[best * 4 + 3] += 1;
    }
    // The last pass only refreshes assignments and distances for the caller.
    if (iteration === iterations) break;
    for (let cluster = 0; cluster < clusterCount; cluster++) {
      const count = sums[cluster * 4 + 3];
      if (count === 0) continue;
      centres[cluster * 3] = sums[cluster * 4] / count;
      centres[cluster * 3 + 1] = sums[cluster * 4 + 1] / count;
      centres[cluster * 3 + 2] = sums[cluster * 4 + 2] / count;
    }
  }
}

/** Each cluster's mean RGB colour (a centre of an empty cluster falls back to the nearest pixel's colour). */
function centresToRgb(points: Float64Array, image: Uint8Array, assignment: Int32Array, centres: Float64Array, clusterCount: number): Float64Array {
  const sums = new Float64Array(clusterCount * 4);
  for (let pixel = 0; pixel < assignment.length; pixel++) {
    const cluster = assignment[pixel];
    sums[cluster * 4] += image[pixel * 3];
    sums[cluster * 4 + 1] += image[pixel * 3 + 1];
    sums[cluster * 4 + 2] += image[pixel * 3 + 2];
    sums[cluster * 4 + 3] += 1;
  }
  const rgb = new Float64Array(clusterCount * 3);
  for (let cluster = 0; cluster < clusterCount; cluster++) {
    let count = sums[cluster * 4 + 3];
    let source = sums.subarray(cluster * 4, cluster * 4 + 3);
    if (count === 0) {
      let closest = 0;
      for (let pixel = 1; pixel < assignment.length; pixel++) {
        if (squaredDistance(points, pixel * 3, centres, cluster * 3) < squaredDistance(points, closest * 3, centres, cluster * 3)) closest = pixel;
      }
      source = Float64Array.from(image.subarray(closest * 3, closest * 3 + 3));
      count = 1;
    }
    for (let channel = 0; channel < 3; channel++) rgb[cluster * 3 + channel] = source[channel] / count;
  }
  return rgb;
}

function luminanceQuantiles(image: Uint8Array, pixelCount: number, quantiles: number[]): number[] {
  const histogram = new Uint32Array(256);
  for (let pixel = 0; pixel < pixelCount; pixel++) histogram[Math.round(luminance(image, pixel * 3))]++;
  return quantiles.map((quantile) => {
    const wanted = quantile * pixelCount;
    let seen = 0;
    for (let level = 0; level < 256; level++) {
      seen += histogram[level];
      if (seen >= wanted) return level;
    }
    return 255;
  });
}

function luminance(values: ArrayLike<number>, at: number): number {
  return 0.2126 * values[at] + 0.7152 * values[at + 1] + 0.0722 * values[at + 2];
}
