/**
 * Coordinate-hashed noise for kernels. Values depend only on (x, y, seed), never on evaluation order, so a kernel
 * that runs on horizontal bands in several workers produces the same bytes as one run over the whole image.
 */

/** Hashes two integer coordinates and a seed to a uniform value in [0, 1). */
export function hashNoise(x: number, y: number, seed: number): number {
  let hash = Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1) ^ seed;
  hash = Math.imul(hash ^ (hash >>> 15), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0) / 4294967296;
}

/** Smooth value noise in [0, 1) with feature size `scale` pixels (bilinear between hashed lattice points, smoothstep-eased). */
export function valueNoise(x: number, y: number, scale: number, seed: number): number {
  const gridX = x / scale;
  const gridY = y / scale;
  const cellX = Math.floor(gridX);
  const cellY = Math.floor(gridY);
  let fractionX = gridX - cellX;
  let fractionY = gridY - cellY;
  fractionX = fractionX * fractionX * (3 - 2 * fractionX);
  fractionY = fractionY * fractionY * (3 - 2 * fractionY);
  const topLeft = hashNoise(cellX, cellY, seed);
  const topRight = hashNoise(cellX + 1, cellY, seed);
  const bottomLeft = hashNoise(cellX, cellY + 1, seed);
  const bottomRight = hashNoise(cellX + 1, cellY + 1, seed);
  const top = topLeft + (topRight - topLeft) * fractionX;
  const bottom = bottomLeft + (bottomRight - bottomLeft) * fractionX;
  return top + (bottom - top) * fractionY;
}

/**
 * Value noise for a whole band of rows at once: `height` rows starting at global row `top`, `width` columns, feature
 * size `scale` pixels. Same values as {@link valueNoise} but the lattice is hashed once per cell instead of four
 * times per pixel, which matters at 1–4 megapixels.
 */
export function valueNoiseField(width: number, top: number, height: number, scale: number, seed: number): Float32Array {
  const field = new Float32Array(width * height);
  const firstCellY = Math.floor(top / scale);
  const lastCellY = Math.floor((top + height - 1) / scale) + 1;
  const cellsX = Math.floor((width - 1) / scale) + 2;
  const cellsY = lastCellY - firstCellY + 1;
  const lattice = new Float32Array(cellsX * cellsY);
  for (let cellY = 0; cellY < cellsY; cellY++) {
    for (let cellX = 0; cellX < cellsX; cellX++) lattice[cellY * cellsX + cellX] = hashNoise(cellX, firstCellY + cellY, seed);
  }
  const columnCell = new Int32Array(width);
  const columnWeight = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const gridX = x / scale;
    const cellX = Math.floor(gridX);
    const fraction = gridX - cellX;
    columnCell[x] = cellX;
    columnWeight[x] = fraction * fraction * (3 - 2 * fraction);
  }
  for (let row = 0; row < height; row++) {
    const gridY = (top + row) / scale;
    const cellY = Math.floor(gridY);
    let fractionY = gridY - cellY;
    fractionY = fractionY * fractionY * (3 - 2 * fractionY);
    const upper = (cellY - firstCellY) * cellsX;
    const lower = upper + cellsX;
    const offset = row * width;
    for (let x = 0; x < width; x++) {
      const cellX = columnCell[x];
      const weightX = columnWeight[x];
      const topValue = lattice[upper + cellX] + (lattice[upper + cellX + 1] - lattice[upper + cellX]) * weightX;
      const bottomValue = lattice[lower + cellX] + (lattice[lower + cellX + 1] - lattice[lower + cellX]) * weightX;
      field[offset + x] = topValue + (bottomValue - topValue) * fractionY;
    }
  }
  return field;
}

/** Fractal (multi-octave) {@link valueNoiseField} in [0, 1): each octave half the size and half the weight of the last. */
export function fractalNoiseField(width: number, top: number, height: number, scale: number, octaves: number, seed: number): Float32Array {
  const total = new Float32Array(width * height);
  let weight = 1;
  let weights = 0;
  let size = scale;
  for (let octave = 0; octave < octaves && size >= 1; octave++) {
    const layer = valueNoiseField(width, top, height, size, seed + octave * 1013);
    for (let index = 0; index < total.length; index++) total[index] += layer[index] * weight;
    weights += weight;
    weight *= 0.5;
    size *= 0.5;
  }
  for (let index = 0; index < total.length; index++) total[index] /= weights;
  return total;
}
