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
  const samples = [...cells.values()].map((entry) => ({ x: entry.x / entry.count, y: entry.y / entry.count, offset: entry.offset.map((value) => value / entry.count) }));
  const correction = new Float64Array(channels);
  for (let index = 0; index < hole.length; index++) {
    if (hole[index] === 0) continue;
    const x = index % width;
    const y = (index - x) / width;
    correction.fill(0);
    let totalWeight = 0;
    for (const sample of samples) {
      const dx = x - sample.x;
      const dy = y - sample.y;
      const weight = 1 / (dx * dx + dy * dy + 1);
      totalWeight += weight;
      for (let channel = 0; channel < channels; channel++) correction[channel] += weight * sample.offset[channel];
    }
    const to = index * channels;
    for (let channel = 0; channel < channels; channel++) {
      const value = Math.round(image[to + channel] + correction[channel] / totalWeight);
      image[to + channel] = value < 0 ? 0 : value > 255 ? 255 : value;
    }
  }
}
