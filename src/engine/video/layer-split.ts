import { boxBlurPlane } from './box-blur.ts';
import type { RasterRgba } from './frame-sampler.ts';

/**
 * A depth-like two-layer split for parallax, without a model: the foreground is what differs from the picture's
 * border colours (the border is usually background) weighted by a centre prior (subjects are usually framed near
 * the centre). Computed on a small copy (≤ 160 px) and scaled up, so it costs milliseconds.
 *
 * Also builds the background plate: the picture with the foreground area filled from its surroundings
 * (push-pull interpolation), which is what shows when the foreground layer slides off its original place.
 */
export interface LayerSplit {
  /** Share of the picture covered by the foreground matte. */
  coverage: number;
  /** True when no clear subject was found and a soft centre ellipse stands in for it. */
  usedCentreFallback: boolean;
}

const workingSide = 160;
const borderSegments = 32;

/**
 * Writes the foreground matte (0..255) into `source`'s fourth channel and returns the background plate (same size;
 * its fourth channel is unused).
 */
export function splitLayers(source: RasterRgba): { plate: RasterRgba; split: LayerSplit } {
  const small = downscale(source, workingSide);
  let usedCentreFallback = false;
  let matte = saliencyMatte(small);
  let coverage = average(matte);
  if (coverage < 0.03 || coverage > 0.6) {
    // A uniform picture or one busy from edge to edge: a soft ellipse keeps the depth effect plausible.
    matte = centreEllipse(small.width, small.height);
    coverage = average(matte);
    usedCentreFallback = true;
  }
  const feathered = boxBlurPlane(matte, small.width, small.height, 2, 2);
  // The hole to fill covers every pixel the matte touches, grown by a few pixels, so that no colour of the
  // subject's fringe bleeds into the plate; only then is its edge softened.
  const touched = feathered.map((value) => (value > 0.08 ? 1 : 0));
  const grown = boxBlurPlane(touched, small.width, small.height, 3, 1).map((value) => (value > 0.001 ? 1 : 0));
  const hole = boxBlurPlane(grown, small.width, small.height, 1, 1);
  const fill = pushPullFill(small, hole);

  const { width, height, data } = source;
  const plate: RasterRgba = { data: new Uint8Array(data.length), width, height };
  const scaleX = small.width / width;
  const scaleY = small.height / height;
  for (let y = 0; y < height; y++) {
    const smallY = clampTo((y + 0.5) * scaleY - 0.5, small.height);
    for (let x = 0; x < width; x++) {
      const smallX = clampTo((x + 0.5) * scaleX - 0.5, small.width);
      const index = (y * width + x) * 4;
      const holeWeight = bilinear(hole, small.width, small.height, smallX, smallY);
      for (let channel = 0; channel < 3; channel++) {
        const filled = bilinear(fill[channel], small.width, small.height, smallX, smallY);
        plate.data[index + channel] = (data[index + channel] * (1 - holeWeight) + filled * holeWeight + 0.5) | 0;
      }
      plate.data[index + 3] = 255;
      data[index + 3] = Math.min(255, bilinear(feathered, small.width, small.height, smallX, smallY) * 255 + 0.5) | 0;
    }
  }
  return { plate, split: { coverage, usedCentreFallback } };
}

interface SmallImage {
  width: number;
  height: number;
  /** Red, green and blue planes, 0..255. */
  channels: [Float32Array, Float32Array, Float32Array];
}

/** Area-averaged downscale so that the longer side is at most `side`. */
function downscale(source: RasterRgba, side: number): SmallImage {
  const factor = Math.max(1, Math.max(source.width, source.height) / side);
  const width = Math.max(1, Math.round(source.width / factor));
  const height = Math.max(1, Math.round(source.height / factor));
  const sums = [new Float32Array(width * height), new Float32Array(width * height), new Float32Array(width * height)] as const;
  const counts = new Float32Array(width * height);
  for (let y = 0; y < source.height; y++) {
    const smallY = Math.min(height - 1, Math.floor((y * height) / source.height));
    for (let x = 0; x < source.width; x++) {
      const smallX = Math.min(width - 1, Math.floor((x * width) / source.width));
      const target = smallY * width + smallX;
      const index = (y * source.width + x) * 4;
      sums[0][target] += source.data[index];
      sums[1][target] += source.data[index + 1];
      sums[2][target] += source.data[index + 2];
      counts[target]++;
    }
  }
  for (const plane of sums) for (let index = 0; index < plane.length; index++) plane[index] /= counts[index];
  return { width, height, channels: [sums[0], sums[1], sums[2]] };
}

/** Border contrast × centre prior, thresholded softly around its Otsu level. */
function saliencyMatte(image: SmallImage): Float32Array {
  const { width, height, channels } = image;
  const borderColours = sampleBorder(image);
  const saliency = new Float32Array(width * height);
  let maximum = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const index = y * width + x;
      let nearest = Infinity;
      for (const colour of borderColours) {
        const red = channels[0][index] - colour[0];
        const green = channels[1][index] - colour[1];
        const blue = channels[2][index] - colour[2];
        const squared = red * red + green * green + blue * blue;
        if (squared < nearest) nearest = squared;
      }
      const offsetX = (x + 0.5) / width - 0.5;
      const offsetY = (y + 0.5) / height - 0.5;
      const prior = Math.exp(-(offsetX * offsetX + offsetY * offsetY) / (2 * 0.22 * 0.22));
      saliency[index] = Math.sqrt(nearest) * prior;
      if (saliency[index] > maximum) maximum = saliency[index];
    }
  }
  if (maximum === 0) return new Float32Array(width * height);
  for (let index = 0; index < saliency.length; index++) saliency[index] /= maximum;
  const threshold = otsuThreshold(saliency);
  return saliency.map((value) => {
    const t = Math.min(1, Math.max(0, (value - threshold * 0.75) / (threshold * 0.5)));
    return t * t * (3 - 2 * t);
  });
}

/** Average colours of `borderSegments` stretches of the picture's outer ring. */
function sampleBorder(image: SmallImage): Array<[number, number, number]> {
  const { width, height, channels } = image;
  const ring = Math.max(1, Math.round(0.06 * Math.min(width, height)));
  const perimeter = 2 * (width + height);
  const sums = Array.from({ length: borderSegments }, () => [0, 0, 0, 0]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x >= ring && x < width - ring && y >= ring && y < height - ring) continue;
      // Position along the perimeter, clockwise from the top-left corner, picks the segment.
      const distance = Math.min(x, width - 1 - x, y, height - 1 - y);
      const along =
        distance === y ? x : distance === width - 1 - x ? width + y : distance === height - 1 - y ? width + height + (width - 1 - x) : 2 * width + height + (height - 1 - y);
      const segment = Math.min(borderSegments - 1, Math.floor((along / perimeter) * borderSegments));
      const index = y * width + x;
      sums[segment][0] += channels[0][index];
      sums[segment][1] += channels[1][index];
      sums[segment][2] += channels[2][index];
      sums[segment][3]++;
    }
  }
  return sums.filter((sum) => sum[3] > 0).map((sum) => [sum[0] / sum[3], sum[1] / sum[3], sum[2] / sum[3]]);
}

/** Otsu's threshold of values in [0, 1] (64 bins). */
function otsuThreshold(values: Float32Array): number {
  const bins = 64;
  const histogram = new Float64Array(bins);
  for (const value of values) histogram[Math.min(bins - 1, Math.floor(value * bins))]++;
  const total = values.length;
  let sumAll = 0;
  for (let bin = 0; bin < bins; bin++) sumAll += bin * histogram[bin];
  let sumBelow = 0;
  let countBelow = 0;
  let best = 0;
  let bestVariance = -1;
  for (let bin = 0; bin < bins; bin++) {
    countBelow += histogram[bin];
    if (countBelow === 0 || countBelow === total) continue;
    sumBelow += bin * histogram[bin];
    const meanBelow = sumBelow / countBelow;
    const meanAbove = (sumAll - sumBelow) / (total - countBelow);
    const variance = countBelow * (total - countBelow) * (meanBelow - meanAbove) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      best = bin;
    }
  }
  return Math.max(0.05, (best + 1) / bins);
}

function centreEllipse(width: number, height: number): Float32Array {
  const matte = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offsetX = ((x + 0.5) / width - 0.5) / 0.28;
      const offsetY = ((y + 0.5) / height - 0.55) / 0.36;
      const radius = Math.sqrt(offsetX * offsetX + offsetY * offsetY);
      matte[y * width + x] = Math.min(1, Math.max(0, (1.15 - radius) / 0.3));
    }
  }
  return matte;
}

/**
 * Fills the area where `hole` is 1 from its surroundings: a pyramid of weighted averages is built down to 1×1
 * (push), then each level's gaps are filled from the coarser level (pull). Returns the three filled planes.
 */
function pushPullFill(image: SmallImage, hole: Float32Array): [Float32Array, Float32Array, Float32Array] {
  const weight = hole.map((value) => 1 - value);
  const levels: Array<{ width: number; height: number; weight: Float32Array; colour: Float32Array[] }> = [
    { width: image.width, height: image.height, weight, colour: image.channels.map((plane) => plane.map((value, index) => value * weight[index])) },
  ];
  while (levels[levels.length - 1].width > 1 || levels[levels.length - 1].height > 1) {
    const fine = levels[levels.length - 1];
    const width = Math.max(1, Math.ceil(fine.width / 2));
    const height = Math.max(1, Math.ceil(fine.height / 2));
    const coarseWeight = new Float32Array(width * height);
    const coarseColour = [0, 1, 2].map(() => new Float32Array(width * height));
    for (let y = 0; y < fine.height; y++) {
      for (let x = 0; x < fine.width; x++) {
        const source = y * fine.width + x;
        const target = (y >> 1) * width + (x >> 1);
        coarseWeight[target] += fine.weight[source];
        for (let channel = 0; channel < 3; channel++) coarseColour[channel][target] += fine.colour[channel][source];
      }
    }
    // Premultiplied colours: a full weight of 1 means "known"; more than 1 is normalised back to 1.
    for (let index = 0; index < coarseWeight.length; index++) {
      if (coarseWeight[index] > 1) {
        for (let channel = 0; channel < 3; channel++) coarseColour[channel][index] /= coarseWeight[index];
        coarseWeight[index] = 1;
      }
    }
    levels.push({ width, height, weight: coarseWeight, colour: coarseColour });
  }
  // Pull: colour = premultiplied colour + (1 - weight) × the coarser level's filled colour.
  let filled = levels[levels.length - 1].colour.map((plane, channel) =>
    plane.map((value, index) => {
      const known = levels[levels.length - 1].weight[index];
      return known > 0 ? value / known : image.channels[channel].reduce((sum, sample) => sum + sample, 0) / image.channels[channel].length;
    }),
  );
  for (let level = levels.length - 2; level >= 0; level--) {
    const fine = levels[level];
    const coarse = levels[level + 1];
    const coarseFilled = filled;
    filled = fine.colour.map((plane, channel) => {
      const result = new Float32Array(plane.length);
      for (let y = 0; y < fine.height; y++) {
        // Bilinear, not nearest, upsampling: nearest would print the coarse levels' blocks into the fill.
        const coarseY = clampTo((y + 0.5) / 2 - 0.5, coarse.height);
        for (let x = 0; x < fine.width; x++) {
          const index = y * fine.width + x;
          const coarseValue = bilinear(coarseFilled[channel], coarse.width, coarse.height, clampTo((x + 0.5) / 2 - 0.5, coarse.width), coarseY);
          result[index] = plane[index] + (1 - fine.weight[index]) * coarseValue;
        }
      }
      return result;
    });
  }
  return [filled[0], filled[1], filled[2]];
}

function average(plane: Float32Array): number {
  let sum = 0;
  for (const value of plane) sum += value;
  return sum / plane.length;
}

/** A sample position kept on a plane of `size` samples (edge pixels repeat). */
function clampTo(position: number, size: number): number {
  return Math.min(size - 1, Math.max(0, position));
}

/** Bilinear sample of a plane at a position already on it; taps past the last row or column repeat the edge. */
function bilinear(plane: Float32Array, width: number, height: number, x: number, y: number): number {
  const left = Math.floor(x);
  const top = Math.floor(y);
  const weightX = x - left;
  const weightY = y - top;
  const right = Math.min(left + 1, width - 1) - left;
  const down = (Math.min(top + 1, height - 1) - top) * width;
  const index = top * width + left;
  const upper = plane[index] + (plane[index + right] - plane[index]) * weightX;
  const lower = plane[index + down] + (plane[index + down + right] - plane[index + down]) * weightX;
  return upper + (lower - upper) * weightY;
}
