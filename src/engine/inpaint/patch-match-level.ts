import { createSeededRandom, type SeededRandom } from '../seeded-random.ts';
import { holeIntegral, holePixelsInPatch } from './patch-match-pyramid.ts';
import { correctSeams } from './seam-correction.ts';

/**
 * One pyramid level of hole filling by PatchMatch with EM voting (Barnes et al., "PatchMatch", SIGGRAPH 2009;
 * Wexler, Shechtman & Irani, "Space-Time Completion of Video", TPAMI 2007). Every patch that overlaps the hole (a
 * "target") gets a nearest neighbour among the complete patches outside it (a "source"), found by PatchMatch
 * (propagation from neighbours plus random search at shrinking radii); then every hole pixel becomes the mean of what
 * the overlapping source patches say it should be, good matches weighing more (voting). Repeating both steps (EM)
 * makes the fill coherent.
 * Runs on a worker (`inpaint/patch-match-level.ts`, `solvePatchMatchLevel`); the caller checks for cancellation
 * between levels.
 */

/** Nearest-neighbour field: for each target centre, the centre of its source patch (-1 where not a target). */
export interface NearestNeighbourField {
  sourceX: Int32Array;
  sourceY: Int32Array;
  width: number;
  height: number;
}

export interface PatchMatchLevelInput {
  /** Interleaved pixels of this level; hole pixels are rewritten. */
  image: Uint8Array;
  /** 1 = unknown. */
  hole: Uint8Array;
  /** 1 = never part of a source patch (contains the hole). */
  excluded: Uint8Array;
  width: number;
  height: number;
  channels: number;
  /** Patch side, odd (7 is the usual). */
  patchSize: number;
  /** The coarser level's field, to start from (absent at the coarsest level). */
  coarser?: NearestNeighbourField;
  /** Drives every random choice of this level: same seed, same bytes. */
  seed: number;
  emIterations: number;
  /** PatchMatch passes per EM iteration (alternating scan direction). */
  searchIterations: number;
  /** Full resolution only: match the fill's tone to the border (see `seam-correction.ts`). */
  correctSeams?: boolean;
}

export interface PatchMatchLevelOutput extends NearestNeighbourField {
  image: Uint8Array;
}

/** Kernel: fills the hole of one level; returns the level and its field for the next, finer level. */
export function solvePatchMatchLevel(input: PatchMatchLevelInput): PatchMatchLevelOutput {
  const { image, hole, width, height, channels, patchSize } = input;
  const radius = patchSize >> 1;
  const table = holeIntegral(hole, width, height);
  const excludedTable = holeIntegral(input.excluded, width, height);
  const isSource = new Uint8Array(width * height);
  const targetBuffer = new Int32Array(width * height);
  const sourceBuffer = new Int32Array(width * height);
  let targetCount = 0;
  let sourceCount = 0;
  for (let y = radius; y < height - radius; y++) {
    for (let x = radius; x < width - radius; x++) {
      const index = y * width + x;
      if (holePixelsInPatch(table, width, x, y, radius) > 0) targetBuffer[targetCount++] = index;
      else if (holePixelsInPatch(excludedTable, width, x, y, radius) === 0) {
        isSource[index] = 1;
        sourceBuffer[sourceCount++] = index;
      }
    }
  }
  if (sourceCount === 0) throw new Error(`patch-match: no complete ${patchSize}×${patchSize} patch outside the hole at ${width}×${height}`);
  const targets = targetBuffer.slice(0, targetCount);
  const sources = sourceBuffer.slice(0, sourceCount);
  // Hole pixels get compact slots so that voting accumulates into arrays the size of the hole, not of the crop.
  const holeSlot = new Int32Array(width * height).fill(-1);
  let holeCount = 0;
  for (let index = 0; index < hole.length; index++) if (hole[index] !== 0) holeSlot[index] = holeCount++;
  const holePixels = new Int32Array(holeCount);
  for (let index = 0; index < hole.length; index++) if (holeSlot[index] >= 0) holePixels[holeSlot[index]] = index;
  const random = createSeededRandom(input.seed);
  const field: NearestNeighbourField = { sourceX: new Int32Array(width * height).fill(-1), sourceY: new Int32Array(width * height).fill(-1), width, height };
  const context: LevelContext = { image, hole, width, height, channels, radius, isSource, sources, targets, holeSlot, holePixels, field, distance: new Float64Array(width * height), random };

  if (input.coarser) {
    upsampleField(context, input.coarser);
    vote(context, undefined);
  } else {
    initialiseCoarsest(context, table, input.searchIterations);
  }
  for (let iteration = 0; iteration < input.emIterations; iteration++) {
    for (const target of targets) context.distance[target] = patchDistance(context, target, field.sourceX[target], field.sourceY[target], Infinity);
    for (let pass = 0; pass < input.searchIterations; pass++) searchPass(context, pass % 2 === 1, patchDistance);
    vote(context, similarityWeights(context));
  }
  if (input.correctSeams) correctSeams(image, hole, width, height, channels);
  return { image, ...field };
}

interface LevelContext {
  image: Uint8Array;
  hole: Uint8Array;
  width: number;
  height: number;
  channels: number;
  radius: number;
  isSource: Uint8Array;
  sources: Int32Array;
  targets: Int32Array;
  /** Per pixel: its index among the hole pixels, or -1. */
  holeSlot: Int32Array;
  holePixels: Int32Array;
  field: NearestNeighbourField;
  distance: Float64Array;
  random: SeededRandom;
}

function assignRandomSource(context: LevelContext, target: number): void {
  const source = context.sources[Math.floor(context.random.next() * context.sources.length)];
  const x = source % context.width;
  context.field.sourceX[target] = x;
  context.field.sourceY[target] = (source - x) / context.width;
}

/**
 * First guess at the coarsest level. Matching whole patches against a smooth first fill would favour smooth sources
 * and keep the hole washed out, so the first field is found by comparing only the *known* pixels of each target
 * patch, and the first vote weighs each target by how much of it is known. Pixels that no partly known patch covers
 * keep the onion-peeled guess.
 */
function initialiseCoarsest(context: LevelContext, table: Int32Array, searchIterations: number): void {
  const { image, hole, width, height, channels, radius, targets } = context;
  fillByOnionPeeling(image, hole, width, height, channels);
  for (const target of targets) assignRandomSource(context, target);
  for (const target of targets) context.distance[target] = knownPixelDistance(context, target, context.field.sourceX[target], context.field.sourceY[target], Infinity);
  for (let pass = 0; pass < searchIterations; pass++) searchPass(context, pass % 2 === 1, knownPixelDistance);
  const area = (2 * radius + 1) * (2 * radius + 1);
  const weights = new Float32Array(targets.length);
  for (let position = 0; position < targets.length; position++) {
    const target = targets[position];
    const x = target % width;
    weights[position] = area - holePixelsInPatch(table, width, x, (target - x) / width, radius);
  }
  vote(context, weights);
}

/** Like {@link patchDistance}, but only over the pixels of the target patch that are outside the hole. */
function knownPixelDistance(context: LevelContext, target: number, sourceX: number, sourceY: number, limit: number): number {
  const { image, hole, width, channels, radius } = context;
  const offsetToSource = (sourceY * width + sourceX - target) * channels;
  let sum = 0;
  for (let dy = -radius; dy <= radius; dy++) {
    const rowStart = target + dy * width;
    for (let dx = -radius; dx <= radius; dx++) {
      const pixel = rowStart + dx;
      if (hole[pixel] !== 0) continue;
      const from = pixel * channels;
      for (let channel = 0; channel < channels; channel++) {
        const difference = image[from + channel] - image[from + offsetToSource + channel];
        sum += difference * difference;
      }
    }
    if (sum >= limit) return sum;
  }
  return sum;
}

type DistanceFunction = (context: LevelContext, target: number, sourceX: number, sourceY: number, limit: number) => number;

/** Doubles the coarser field's offsets; targets whose doubled offset lands on no source start at random. */
function upsampleField(context: LevelContext, coarser: NearestNeighbourField): void {
  const { width, radius, isSource, field } = context;
  for (const target of context.targets) {
    const x = target % width;
    const y = (target - x) / width;
    const coarseX = Math.min(x >> 1, coarser.width - 1);
    const coarseY = Math.min(y >> 1, coarser.height - 1);
    const coarseIndex = coarseY * coarser.width + coarseX;
    const coarseSourceX = coarser.sourceX[coarseIndex];
    if (coarseSourceX >= 0) {
      const sourceX = x + 2 * (coarseSourceX - coarseX);
      const sourceY = y + 2 * (coarser.sourceY[coarseIndex] - coarseY);
      if (sourceX >= radius && sourceX < width - radius && sourceY >= radius && sourceY < context.height - radius && isSource[sourceY * width + sourceX] === 1) {
        field.sourceX[target] = sourceX;
        field.sourceY[target] = sourceY;
        continue;
      }
    }
    assignRandomSource(context, target);
  }
}

/**
 * Sum of squared differences between the patches centred on `target` and (sourceX, sourceY), over every channel.
 * Stops as soon as a row takes the sum past `limit` (the best found so far): most candidates lose early.
 */
function patchDistance(context: LevelContext, target: number, sourceX: number, sourceY: number, limit: number): number {
  const { image, width, channels, radius } = context;
  const span = (2 * radius + 1) * channels;
  const rowStride = width * channels;
  let targetRow = (target - radius * width - radius) * channels;
  let sourceRow = ((sourceY - radius) * width + sourceX - radius) * channels;
  let sum = 0;
  for (let row = -radius; row <= radius; row++) {
    for (let offset = 0; offset < span; offset++) {
      const difference = image[targetRow + offset] - image[sourceRow + offset];
      sum += difference * difference;
    }
    if (sum >= limit) return sum;
    targetRow += rowStride;
    sourceRow += rowStride;
  }
  return sum;
}

/** One PatchMatch pass: propagation from the two already visited neighbours, then random search around the best. */
function searchPass(context: LevelContext, backwards: boolean, distanceOf: DistanceFunction): void {
  const { width, height, radius, isSource, targets, field, distance, random } = context;
  const { sourceX, sourceY } = field;
  const step = backwards ? -1 : 1;
  const minimum = radius;
  const maximumX = width - 1 - radius;
  const maximumY = height - 1 - radius;
  const searchStart = Math.max(width, height);
  const count = targets.length;
  for (let position = backwards ? count - 1 : 0; position >= 0 && position < count; position += step) {
    const target = targets[position];
    let bestX = sourceX[target];
    let bestY = sourceY[target];
    let best = distance[target];

    // Propagation: a neighbour's match shifted by one pixel is often a good match here too.
    const horizontal = target - step;
    if (sourceX[horizontal] >= 0) {
      const candidateX = sourceX[horizontal] + step;
      const candidateY = sourceY[horizontal];
      if (candidateX >= minimum && candidateX <= maximumX && (candidateX !== bestX || candidateY !== bestY) && isSource[candidateY * width + candidateX] === 1) {
        const candidate = distanceOf(context, target, candidateX, candidateY, best);
        if (candidate < best) {
          best = candidate;
          bestX = candidateX;
          bestY = candidateY;
        }
      }
    }
    const vertical = target - step * width;
    if (vertical >= 0 && vertical < sourceX.length && sourceX[vertical] >= 0) {
      const candidateX = sourceX[vertical];
      const candidateY = sourceY[vertical] + step;
      if (candidateY >= minimum && candidateY <= maximumY && (candidateX !== bestX || candidateY !== bestY) && isSource[candidateY * width + candidateX] === 1) {
        const candidate = distanceOf(context, target, candidateX, candidateY, best);
        if (candidate < best) {
          best = candidate;
          bestX = candidateX;
          bestY = candidateY;
        }
      }
    }

    // Random search in windows halving from the whole level down to one pixel.
    for (let window = searchStart; window >= 1; window >>= 1) {
      let candidateX = bestX + Math.floor((random.next() * 2 - 1) * window);
      let candidateY = bestY + Math.floor((random.next() * 2 - 1) * window);
      candidateX = candidateX < minimum ? minimum : candidateX > maximumX ? maximumX : candidateX;
      candidateY = candidateY < minimum ? minimum : candidateY > maximumY ? maximumY : candidateY;
      if ((candidateX === bestX && candidateY === bestY) || isSource[candidateY * width + candidateX] === 0) continue;
      const candidate = distanceOf(context, target, candidateX, candidateY, best);
      if (candidate < best) {
        best = candidate;
        bestX = candidateX;
        bestY = candidateY;
      }
    }
    sourceX[target] = bestX;
    sourceY[target] = bestY;
    distance[target] = best;
  }
}

/**
 * Wexler et al.'s vote weights: a source patch that matches its target well counts more than a poor one,
 * exp(-d / 2σ²) with d the mean squared difference per sample and σ² the 75th percentile of d over all targets.
 * Uniform weights average good and bad proposals alike, which blurs the fill and pulls its contrast down.
 */
function similarityWeights(context: LevelContext): Float32Array {
  const { targets, distance, radius, channels } = context;
  const samples = (2 * radius + 1) * (2 * radius + 1) * channels;
  const perSample = new Float64Array(targets.length);
  for (let position = 0; position < targets.length; position++) perSample[position] = distance[targets[position]] / samples;
  const sorted = Float64Array.from(perSample).sort();
  const spread = Math.max(1, sorted[Math.floor(sorted.length * 0.75)]);
  const weights = new Float32Array(targets.length);
  for (let position = 0; position < targets.length; position++) weights[position] = Math.exp(-perSample[position] / (2 * spread)) + 1e-6;
  return weights;
}

/**
 * M-step: each hole pixel becomes the (weighted) mean of the colours its overlapping source patches propose.
 * @param weights per target, in the order of `targets`; uniform when absent. Pixels with no weight keep their value.
 */
function vote(context: LevelContext, weights: Float32Array | undefined): void {
  const { image, hole, width, channels, radius, targets, holeSlot, holePixels, field } = context;
  const sums = new Float64Array(holePixels.length * channels);
  const totals = new Float64Array(holePixels.length);
  for (let position = 0; position < targets.length; position++) {
    const weight = weights ? weights[position] : 1;
    if (weight === 0) continue;
    const target = targets[position];
    const offsetToSource = field.sourceY[target] * width + field.sourceX[target] - target;
    for (let dy = -radius; dy <= radius; dy++) {
      const rowStart = target + dy * width;
      for (let dx = -radius; dx <= radius; dx++) {
        const pixel = rowStart + dx;
        if (hole[pixel] === 0) continue;
        const slot = holeSlot[pixel];
        const from = (pixel + offsetToSource) * channels;
        const to = slot * channels;
        for (let channel = 0; channel < channels; channel++) sums[to + channel] += weight * image[from + channel];
        totals[slot] += weight;
      }
    }
  }
  for (let slot = 0; slot < holePixels.length; slot++) {
    const total = totals[slot];
    if (total === 0) continue;
    const to = holePixels[slot] * channels;
    const from = slot * channels;
    for (let channel = 0; channel < channels; channel++) image[to + channel] = Math.round(sums[from + channel] / total);
  }
}

/**
 * First guess at the coarsest level: peel the hole layer by layer from its border, each pixel the mean of its known
 * 8-neighbours. Crude, but at a few pixels across it only has to be right in the large.
 */
export function fillByOnionPeeling(image: Uint8Array, hole: Uint8Array, width: number, height: number, channels: number): void {
  const unknown = Uint8Array.from(hole);
  let remaining = unknown.reduce((total, value) => total + value, 0);
  const layer: number[] = [];
  const sums = new Float64Array(channels);
  while (remaining > 0) {
    layer.length = 0;
    for (let index = 0; index < unknown.length; index++) {
      if (unknown[index] === 0) continue;
      const x = index % width;
      const y = (index - x) / width;
      sums.fill(0);
      let count = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const neighbourX = x + dx;
          const neighbourY = y + dy;
          if (neighbourX < 0 || neighbourX >= width || neighbourY < 0 || neighbourY >= height) continue;
          const neighbour = neighbourY * width + neighbourX;
          if (unknown[neighbour] !== 0) continue;
          count++;
          for (let channel = 0; channel < channels; channel++) sums[channel] += image[neighbour * channels + channel];
        }
      }
      if (count === 0) continue;
      layer.push(index, ...Array.from(sums, (sum) => Math.round(sum / count)));
    }
    if (layer.length === 0) return;
    // Commit the whole layer at once so the result does not depend on scan order.
    for (let position = 0; position < layer.length; position += channels + 1) {
      const index = layer[position];
      for (let channel = 0; channel < channels; channel++) image[index * channels + channel] = layer[position + 1 + channel];
      unknown[index] = 0;
      remaining--;
    }
  }
}
