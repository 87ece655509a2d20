/**
 * The image pyramid for multi-scale PatchMatch: each level halves the previous one. A coarse pixel is part of the
 * hole (or of the excluded area) when any of its four children is, so every source patch at a coarse level is made of
 * fully known, allowed pixels; a coarse pixel's colour is the mean of its known children. Runs on a worker
 * (`inpaint/patch-match-pyramid.ts`).
 */

export interface PatchMatchLevelImage {
  image: Uint8Array;
  /** 1 = unknown (to fill). */
  hole: Uint8Array;
  /** 1 = not to be copied from: the hole plus the ring around it whose pixels may belong to the removed object. */
  excluded: Uint8Array;
  width: number;
  height: number;
}

export interface PyramidInput {
  image: Uint8Array;
  hole: Uint8Array;
  /** Must contain every hole pixel. */
  excluded: Uint8Array;
  width: number;
  height: number;
  channels: number;
  /** Largest inscribed radius of the hole at full resolution, in pixels. */
  holeRadius: number;
  /** Patch side (odd). */
  patchSize: number;
}

/** Coarsest level's hole radius: a couple of pixels, so the first guess only has to be right in the large. */
const coarsestHoleRadius = 2;
/** Enough distinct source patches for the random search to find something; below it the level is not used. */
export const minimumSources = 16;

/**
 * Kernel: builds levels from full resolution (index 0) to the coarsest, stopping when the hole is a couple of
 * pixels across, the image gets too small for patches, or a level would have too few complete source patches.
 * Returns no levels when even full resolution has too few (the caller then falls back to Telea).
 */
export function buildPatchMatchPyramid(input: PyramidInput): { levels: PatchMatchLevelImage[] } {
  if (countSourcePatches(input.excluded, input.width, input.height, input.patchSize) < minimumSources) return { levels: [] };
  const levels: PatchMatchLevelImage[] = [{ image: input.image, hole: input.hole, excluded: input.excluded, width: input.width, height: input.height }];
  let radius = input.holeRadius;
  while (radius / 2 >= coarsestHoleRadius) {
    const finer = levels[levels.length - 1];
    const width = finer.width >> 1;
    const height = finer.height >> 1;
    if (Math.min(width, height) < input.patchSize * 3) break;
    const coarser = halve(finer, width, height, input.channels);
    if (countSourcePatches(coarser.excluded, width, height, input.patchSize) < minimumSources) break;
    levels.push(coarser);
    radius /= 2;
  }
  return { levels };
}

function halve(finer: PatchMatchLevelImage, width: number, height: number, channels: number): PatchMatchLevelImage {
  const image = new Uint8Array(width * height * channels);
  const hole = new Uint8Array(width * height);
  const excluded = new Uint8Array(width * height);
  const sums = new Float64Array(channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      sums.fill(0);
      let knownCount = 0;
      let anyUnknown = false;
      let anyExcluded = false;
      for (let child = 0; child < 4; child++) {
        const fineIndex = (2 * y + (child >> 1)) * finer.width + 2 * x + (child & 1);
        if (finer.excluded[fineIndex] !== 0) anyExcluded = true;
        if (finer.hole[fineIndex] !== 0) {
          anyUnknown = true;
          continue;
        }
        knownCount++;
        for (let channel = 0; channel < channels; channel++) sums[channel] += finer.image[fineIndex * channels + channel];
      }
      const index = y * width + x;
      hole[index] = anyUnknown ? 1 : 0;
      excluded[index] = anyExcluded ? 1 : 0;
      if (knownCount > 0) for (let channel = 0; channel < channels; channel++) image[index * channels + channel] = Math.round(sums[channel] / knownCount);
    }
  }
  return { image, hole, excluded, width, height };
}

/**
 * Summed-area table of a plane, (width + 1) × (height + 1), so "does this patch touch the hole?" costs four reads.
 */
export function holeIntegral(hole: Uint8Array, width: number, height: number): Int32Array {
  const stride = width + 1;
  const table = new Int32Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    for (let x = 0; x < width; x++) {
      rowSum += hole[y * width + x];
      table[(y + 1) * stride + x + 1] = table[y * stride + x + 1] + rowSum;
    }
  }
  return table;
}

/** Hole pixels in the patch of side `2 * radius + 1` centred on (x, y); the patch must lie inside the image. */
export function holePixelsInPatch(table: Int32Array, width: number, x: number, y: number, radius: number): number {
  const stride = width + 1;
  const left = x - radius;
  const right = x + radius + 1;
  const top = y - radius;
  const bottom = y + radius + 1;
  return table[bottom * stride + right] - table[top * stride + right] - table[bottom * stride + left] + table[top * stride + left];
}

function countSourcePatches(excluded: Uint8Array, width: number, height: number, patchSize: number): number {
  const radius = patchSize >> 1;
  const table = holeIntegral(excluded, width, height);
  let count = 0;
  for (let y = radius; y < height - radius; y++) {
    for (let x = radius; x < width - radius; x++) if (holePixelsInPatch(table, width, x, y, radius) === 0) count++;
  }
  return count;
}
