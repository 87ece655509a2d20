/**
 * Telea's fast-marching inpainting (A. Telea, "An Image Inpainting Technique Based on the Fast Marching Method",
 * Journal of Graphics Tools 9(1), 2004), for thin masks: the hole is filled from its border inwards, in order of
 * distance to the border, each pixel as a weighted average of the already known pixels within `radius`. The weights
 * favour pixels close by, along the marching direction (the border's normal) and at the same distance from the
 * border, which continues edges that cross a thin stroke. Runs on a worker (`inpaint/telea.ts`, `teleaInpaint`).
 *
 * Unlike OpenCV we leave out Telea's gradient term: OpenCV normalises it to a correction below 1.5 grey levels, and
 * without it the result is a convex combination of known colours, so it never overshoots.
 */

/** Pixel states in {@link TeleaInput.regions}. */
export const teleaRegion = { known: 0, fill: 1, unavailable: 2 } as const;

export interface TeleaInput {
  /** Interleaved pixels; those to fill are overwritten. */
  image: Uint8Array;
  width: number;
  height: number;
  channels: number;
  /** Per pixel: known (a source), fill, or unavailable (neither a source nor filled, e.g. a hole PatchMatch fills). */
  regions: Uint8Array;
  /** Neighbourhood radius ε in pixels (OpenCV's `inpaintRadius`); 3–5 is usual. */
  radius: number;
}

const known = 0;
const band = 1;
const inside = 2;
const outside = 3;
const unreached = 1e6;

/** Kernel: fills every `fill` pixel; returns the image (the same buffer, transferred back). */
export function teleaInpaint(input: TeleaInput): { image: Uint8Array } {
  const { image, width, height, channels, regions, radius } = input;
  const pixelCount = width * height;
  if (regions.length !== pixelCount || image.length !== pixelCount * channels) throw new RangeError('telea: image and regions do not match width × height');
  const state = new Uint8Array(pixelCount);
  const arrival = new Float32Array(pixelCount);
  const heap = new MinHeap(1024);

  for (let index = 0; index < pixelCount; index++) {
    const value = regions[index];
    state[index] = value === teleaRegion.fill ? inside : value === teleaRegion.unavailable ? outside : known;
    arrival[index] = value === teleaRegion.fill ? unreached : 0;
  }
  // The initial band: known pixels that touch the hole; marching starts from them at distance 0.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const index = y * width + x;
      if (state[index] !== known) continue;
      if ((x > 0 && state[index - 1] === inside) || (x < width - 1 && state[index + 1] === inside) || (y > 0 && state[index - width] === inside) || (y < height - 1 && state[index + width] === inside)) {
        state[index] = band;
        heap.push(0, index);
      }
    }
  }

  const offsets = discOffsets(radius);
  const sums = new Float64Array(channels);
  while (heap.size > 0) {
    const index = heap.popIndex();
    if (state[index] === known) continue;
    state[index] = known;
    const x = index % width;
    const y = (index - x) / width;
    for (let neighbour = 0; neighbour < 4; neighbour++) {
      const neighbourX = neighbour === 0 ? x - 1 : neighbour === 1 ? x + 1 : x;
      const neighbourY = neighbour === 2 ? y - 1 : neighbour === 3 ? y + 1 : y;
      if (neighbourX < 0 || neighbourX >= width || neighbourY < 0 || neighbourY >= height) continue;
      const target = neighbourY * width + neighbourX;
      if (state[target] !== inside) continue;
      const time = Math.min(
        solveEikonal(state, arrival, width, height, neighbourX - 1, neighbourY, neighbourX, neighbourY - 1),
        solveEikonal(state, arrival, width, height, neighbourX + 1, neighbourY, neighbourX, neighbourY - 1),
        solveEikonal(state, arrival, width, height, neighbourX - 1, neighbourY, neighbourX, neighbourY + 1),
        solveEikonal(state, arrival, width, height, neighbourX + 1, neighbourY, neighbourX, neighbourY + 1),
      );
      arrival[target] = time;
      fillPixel(input, state, arrival, offsets, sums, neighbourX, neighbourY);
      state[target] = band;
      heap.push(time, target);
    }
  }
  return { image };
}

/** Arrival time at a pixel from two axis neighbours (first-order upwind solution of |∇T| = 1). */
function solveEikonal(state: Uint8Array, arrival: Float32Array, width: number, height: number, firstX: number, firstY: number, secondX: number, secondY: number): number {
  const firstKnown = firstX >= 0 && firstX < width && firstY >= 0 && firstY < height && state[firstY * width + firstX] === known;
  const secondKnown = secondX >= 0 && secondX < width && secondY >= 0 && secondY < height && state[secondY * width + secondX] === known;
  if (firstKnown && secondKnown) {
    const first = arrival[firstY * width + firstX];
    const second = arrival[secondY * width + secondX];
    const difference = first - second;
    if (difference * difference >= 2) return 1 + Math.min(first, second);
    const root = Math.sqrt(2 - difference * difference);
    const solution = (first + second - root) / 2;
    if (solution >= first && solution >= second) return solution;
    return solution + root;
  }
  if (firstKnown) return 1 + arrival[firstY * width + firstX];
  if (secondKnown) return 1 + arrival[secondY * width + secondX];
  return unreached;
}

/** Whether a pixel can serve as a source (known before, or already filled). */
function isSource(value: number): boolean {
  return value === known || value === band;
}

function fillPixel(input: TeleaInput, state: Uint8Array, arrival: Float32Array, offsets: Int32Array, sums: Float64Array, x: number, y: number): void {
  const { image, width, height, channels } = input;
  const index = y * width + x;
  const time = arrival[index];
  // Direction of marching at this pixel: the gradient of the arrival time, one-sided where a neighbour is unknown.
  const gradientX = arrivalSlope(state, arrival, index, x > 0 ? index - 1 : -1, x < width - 1 ? index + 1 : -1);
  const gradientY = arrivalSlope(state, arrival, index, y > 0 ? index - width : -1, y < height - 1 ? index + width : -1);
  sums.fill(0);
  let totalWeight = 0;
  for (let offset = 0; offset < offsets.length; offset += 2) {
    const dx = offsets[offset];
    const dy = offsets[offset + 1];
    const sourceX = x + dx;
    const sourceY = y + dy;
    if (sourceX < 0 || sourceX >= width || sourceY < 0 || sourceY >= height) continue;
    const source = sourceY * width + sourceX;
    if (!isSource(state[source])) continue;
    // r points from the source to the pixel being filled.
    const rx = -dx;
    const ry = -dy;
    const lengthSquared = rx * rx + ry * ry;
    const length = Math.sqrt(lengthSquared);
    let direction = (rx * gradientX + ry * gradientY) / length;
    if (Math.abs(direction) <= 0.01) direction = 1e-6;
    const distanceWeight = 1 / (lengthSquared * length);
    const levelWeight = 1 / (1 + Math.abs(arrival[source] - time));
    const weight = Math.abs(direction * distanceWeight * levelWeight);
    totalWeight += weight;
    const from = source * channels;
    for (let channel = 0; channel < channels; channel++) sums[channel] += weight * image[from + channel];
  }
  const to = index * channels;
  if (totalWeight === 0) return;
  for (let channel = 0; channel < channels; channel++) image[to + channel] = Math.round(sums[channel] / totalWeight);
}

function arrivalSlope(state: Uint8Array, arrival: Float32Array, index: number, before: number, after: number): number {
  const beforeKnown = before >= 0 && isSource(state[before]);
  const afterKnown = after >= 0 && isSource(state[after]);
  if (beforeKnown && afterKnown) return (arrival[after] - arrival[before]) * 0.5;
  if (afterKnown) return arrival[after] - arrival[index];
  if (beforeKnown) return arrival[index] - arrival[before];
  return 0;
}

/** (dx, dy) pairs inside a disc of `radius`, centre excluded. */
function discOffsets(radius: number): Int32Array {
  const pairs: number[] = [];
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      if ((dx !== 0 || dy !== 0) && dx * dx + dy * dy <= radius * radius) pairs.push(dx, dy);
    }
  }
  return Int32Array.from(pairs);
}

/** Binary min-heap of (key, pixel index) on typed arrays; stale entries are skipped by the caller. */
class MinHeap {
  private keys: Float64Array;
  private values: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity);
  }

  push(key: number, value: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      this.keys = keys;
      const values = new Int32Array(this.size * 2);
      values.set(this.values);
      this.values = values;
    }
    let position = this.size++;
    while (position > 0) {
      const parent = (position - 1) >> 1;
      // Ties are broken by pixel index so the filling order, and so the bytes, never depend on heap history.
      if (this.keys[parent] < key || (this.keys[parent] === key && this.values[parent] < value)) break;
      this.keys[position] = this.keys[parent];
      this.values[position] = this.values[parent];
      position = parent;
    }
    this.keys[position] = key;
    this.values[position] = value;
  }

  popIndex(): number {
    const top = this.values[0];
    const lastKey = this.keys[--this.size];
    const lastValue = this.values[this.size];
    let position = 0;
    for (;;) {
      let child = position * 2 + 1;
      if (child >= this.size) break;
      const right = child + 1;
      if (right < this.size && (this.keys[right] < this.keys[child] || (this.keys[right] === this.keys[child] && this.values[right] < this.values[child]))) child = right;
      if (lastKey < this.keys[child] || (lastKey === this.keys[child] && lastValue < this.values[child])) break;
      this.keys[position] = this.keys[child];
      this.values[position] = this.values[child];
      position = child;
    }
    this.keys[position] = lastKey;
    this.values[position] = lastValue;
    return top;
  }
}
