/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher, "Distance Transforms of Sampled
 * Functions", Theory of Computing 8, 2012): two passes of a 1-D lower-envelope-of-parabolas transform, O(pixels).
 * The inpainting module uses it for a mask's largest inscribed radius (thin stroke or object?), for dilation, and for
 * feathering that stays inside the mask.
 */

/** Stands for "no feature in this row/column": finite so that differences never become NaN, and exactly
 * representable as a float32 so results can be compared with it. */
export const farAway = Math.fround(1e20);

/**
 * @param isFeature `width * height` bytes; non-zero marks a feature pixel
 * @returns for every pixel, the squared distance in pixels to the nearest feature pixel inside the same grid, or
 *   {@link farAway} when the grid has no feature at all. Pixels beyond the grid are not features.
 */
export function squaredDistanceToFeatures(isFeature: Uint8Array, width: number, height: number): Float32Array {
  if (isFeature.length !== width * height) throw new RangeError(`feature map has ${isFeature.length} bytes, expected ${width * height}`);
  const longest = Math.max(width, height);
  const values = new Float64Array(longest);
  const transformed = new Float64Array(longest);
  const parabolaAt = new Int32Array(longest);
  const boundaries = new Float64Array(longest + 1);
  const columnPass = new Float64Array(width * height);

  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) values[y] = isFeature[y * width + x] !== 0 ? 0 : farAway;
    lowerEnvelope(values, height, transformed, parabolaAt, boundaries);
    for (let y = 0; y < height; y++) columnPass[y * width + x] = transformed[y];
  }
  const result = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const rowStart = y * width;
    for (let x = 0; x < width; x++) values[x] = columnPass[rowStart + x];
    lowerEnvelope(values, width, transformed, parabolaAt, boundaries);
    for (let x = 0; x < width; x++) result[rowStart + x] = transformed[x] >= farAway ? farAway : transformed[x];
  }
  return result;
}

/** One-dimensional transform: `output[q] = min_p (q - p)² + values[p]` for the first `count` entries. */
function lowerEnvelope(values: Float64Array, count: number, output: Float64Array, parabolaAt: Int32Array, boundaries: Float64Array): void {
  let rightmost = 0;
  parabolaAt[0] = 0;
  boundaries[0] = -Infinity;
  boundaries[1] = Infinity;
  for (let position = 1; position < count; position++) {
    let vertex = parabolaAt[rightmost];
    let intersection = (values[position] + position * position - (values[vertex] + vertex * vertex)) / (2 * position - 2 * vertex);
    // boundaries[0] is -Infinity, so this loop never pops the first parabola.
    while (intersection <= boundaries[rightmost]) {
      rightmost--;
      vertex = parabolaAt[rightmost];
      intersection = (values[position] + position * position - (values[vertex] + vertex * vertex)) / (2 * position - 2 * vertex);
    }
    rightmost++;
    parabolaAt[rightmost] = position;
    boundaries[rightmost] = intersection;
    boundaries[rightmost + 1] = Infinity;
  }
  let segment = 0;
  for (let position = 0; position < count; position++) {
    while (boundaries[segment + 1] < position) segment++;
    const vertex = parabolaAt[segment];
    output[position] = (position - vertex) * (position - vertex) + values[vertex];
  }
}
