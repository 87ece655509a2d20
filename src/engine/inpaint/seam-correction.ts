/**
 * Tone correction for a patch-based fill. PatchMatch copies texture from elsewhere, and the copied texture's overall
 * brightness or colour can differ from the hole's border (a shadow on one side, a gradient in the sky), which shows as
 * a seam. This adds a smooth offset to the fill so that, at the border, its local mean matches the surrounding pixels,
 * fading inwards — the low-frequency part of Poisson blending (Pérez, Gangnet & Blake, "Poisson Image Editing",
 * SIGGRAPH 2003), approximated by inverse-distance interpolation of border offsets (a membrane would cost an
 * iterative solve). Only hole pixels change.
 */

/** Neighbourhood half-width for comparing local means across the border: small, so that a fill that already
 * fades towards the border is not over-corrected, but more than one pixel so that texture noise averages out. */
const meanRadius = 1;
/** Interpolating from at most about this many border samples keeps the cost linear in the hole's area. */
const targetSampleCount = 256;
/** Spacing of the grid the correction is evaluated on (pixels). */
const gridStep = 3;

/** Adds the interpolated border offset to every hole pixel of `image` (in place). */
export function correctSeams(image: Uint8Array, hole: Uint8Array, width: number, height: number, channels: number): void {
  const border: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const index = y * width + x;
      if (hole[index] === 0) continue;
      if ((x > 0 && hole[index - 1] === 0) || (x < width - 1 && hole[index + 1] === 0) || (y > 0 && hole[index - width] === 0) || (y < height - 1 && hole[index + width] === 0)) border.push(index);
    }
  }
  if (border.length === 0) return;
  // Group border pixels into square cells; one sample per cell (its mean position and mean offset).
  const cell = Math.max(2, Math.ceil(border.length / targetSampleCount));
  const cells = new Map<number, { x: number; y: number; offset: Float64Array; count: number }>();
  const knownSum = new Float64Array(channels);
  const filledSum = new Float64Array(channels);
  for (const index of border) {
    const x = index % width;
    const y = (index - x) / width;
    knownSum.fill(0);
    filledSum.fill(0);
    let known = 0;
    let filled = 0;
    for (let dy = -meanRadius; dy <= meanRadius; dy++) {
      const neighbourY = y + dy;
      if (neighbourY < 0 || neighbourY >= height) continue;
      for (let dx = -meanRadius; dx <= meanRadius; dx++) {
        const neighbourX = x + dx;
        if (neighbourX < 0 || neighbourX >= width) continue;
        const neighbour = neighbourY * width + neighbourX;
        const sums = hole[neighbour] === 0 ? knownSum : filledSum;
        for (let channel = 0; channel < channels; channel++) sums[channel] += image[neighbour * channels + channel];
        if (hole[neighbour] === 0) known++;
        else filled++;
      }
    }
    const key = Math.floor(y / cell) * Math.ceil(width / cell) + Math.floor(x / cell);
    let entry = cells.get(key);
    if (!entry) {
      entry = { x: 0, y: 0, offset: new Float64Array(channels), count: 0 };
      cells.set(key, entry);
    }
    entry.x += x;
    entry.y += y;
    entry.count++;
    for (let channel = 0; channel < channels; channel++) entry.offset[channel] += knownSum[channel] / known - filledSum[channel] / filled;
  }
  const sampleCount = cells.size;
  const sampleX = new Float64Array(sampleCount);
  const sampleY = new Float64Array(sampleCount);
  const sampleOffset = new Float64Array(sampleCount * channels);
  let position = 0;
  for (const entry of cells.values()) {
    sampleX[position] = entry.x / entry.count;
    sampleY[position] = entry.y / entry.count;
    for (let channel = 0; channel < channels; channel++) sampleOffset[position * channels + channel] = entry.offset[channel] / entry.count;
    position++;
  }

  // The correction is smooth, so it is evaluated on a coarse grid over the hole's bounds and interpolated
  // bilinearly: the cost no longer grows with (hole area × border samples).
  let left = width;
  let right = 0;
  let top = height;
  let bottom = 0;
  for (let index = 0; index < hole.length; index++) {
    if (hole[index] === 0) continue;
    const x = index % width;
    const y = (index - x) / width;
    if (x < left) left = x;
    if (x > right) right = x;
    if (y < top) top = y;
    if (y > bottom) bottom = y;
  }
  const gridColumns = Math.floor((right - left) / gridStep) + 2;
  const gridRows = Math.floor((bottom - top) / gridStep) + 2;
  const grid = new Float64Array(gridColumns * gridRows * channels);
  for (let row = 0; row < gridRows; row++) {
    for (let column = 0; column < gridColumns; column++) {
      const x = left + column * gridStep;
      const y = top + row * gridStep;
      const to = (row * gridColumns + column) * channels;
      let totalWeight = 0;
      for (let sample = 0; sample < sampleCount; sample++) {
        const dx = x - sampleX[sample];
        const dy = y - sampleY[sample];
        const weight = 1 / (dx * dx + dy * dy + 1);
        totalWeight += weight;
        for (let channel = 0; channel < channels; channel++) grid[to + channel] += weight * sampleOffset[sample * channels + channel];
      }
      for (let channel = 0; channel < channels; channel++) grid[to + channel] /= totalWeight;
    }
  }
  for (let y = top; y <= bottom; y++) {
    const row = Math.floor((y - top) / gridStep);
    const fractionY = (y - top) / gridStep - row;
    for (let x = left; x <= right; x++) {
      const index = y * width + x;
      if (hole[index] === 0) continue;
      const column = Math.floor((x - left) / gridStep);
      const fractionX = (x - left) / gridStep - column;
      const topLeft = (row * gridColumns + column) * channels;
      const bottomLeft = topLeft + gridColumns * channels;
      const to = index * channels;
      for (let channel = 0; channel < channels; channel++) {
        const upper = grid[topLeft + channel] * (1 - fractionX) + grid[topLeft + channels + channel] * fractionX;
        const lower = grid[bottomLeft + channel] * (1 - fractionX) + grid[bottomLeft + channels + channel] * fractionX;
        const value = Math.round(image[to + channel] + upper * (1 - fractionY) + lower * fractionY);
        image[to + channel] = value < 0 ? 0 : value > 255 ? 255 : value;
      }
    }
  }
}
