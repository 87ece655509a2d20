import type { BandInput } from '../run-in-bands.ts';

/** Parameters of {@link kuwaharaBand}. */
export interface KuwaharaParameters {
  /** Quadrant side minus one, in pixels (≥ 1). Cost does not depend on it (summed-area tables). */
  radius: number;
  /**
   * Sharpness of the quadrant choice: each quadrant's mean is weighted by 1 / variance^sharpness (Papari et al.'s
   * generalised Kuwahara weighting, applied to the four classic square quadrants). 4 ≈ the classic "pick the
   * flattest quadrant" but without its blocky seams.
   */
  sharpness: 2 | 4;
}

/** Output rows per summed-area table: keeps the table (4 doubles per pixel) small enough to stay in cache. */
const rowsPerChunk = 64;

/**
 * Kuwahara filter on summed-area tables (Kuwahara et al. 1976; weighting after Papari, Petkov & Campisi 2007).
 * For every pixel the four (r+1)² quadrants around it are summarised by mean colour and total colour variance, each
 * in O(1) from one interleaved table of [ΣR, ΣG, ΣB, Σ(R²+G²+B²)]; flat quadrants win, so regions flatten into
 * paint-like patches while edges stay sharp.
 *
 * Runs on one band (see `runInBands`): `image` is RGB for the band's rows including halos of ≥ radius rows. The band
 * is processed in chunks of rows, each with its own table covering the chunk plus `radius` rows either side, so the
 * result does not depend on how the image was split.
 */
export function kuwaharaBand(input: BandInput<KuwaharaParameters> & { image: Uint8Array }): { data: Uint8Array } {
  const { width, height, haloTop, haloBottom, image } = input;
  const radius = Math.max(1, Math.round(input.parameters.radius));
  const sharpness = input.parameters.sharpness;
  const firstRow = haloTop;
  const lastRow = height - haloBottom;
  const output = new Uint8Array((lastRow - firstRow) * width * 3);
  const stride = (width + 1) * 4;
  const table = new Float64Array(stride * (Math.min(height, rowsPerChunk + 2 * radius) + 1));
  const means = new Float64Array(12);
  const weights = new Float64Array(4);
  let to = 0;
  for (let chunkStart = firstRow; chunkStart < lastRow; chunkStart += rowsPerChunk) {
    const chunkEnd = Math.min(lastRow, chunkStart + rowsPerChunk);
    // Table rows cover image rows [tableTop, tableBottom): the chunk plus the radius, clamped to the band.
    const tableTop = Math.max(0, chunkStart - radius);
    const tableBottom = Math.min(height, chunkEnd + radius);
    buildTable(image, width, tableTop, tableBottom, table, stride);
    for (let y = chunkStart; y < chunkEnd; y++) {
      const top = Math.max(tableTop, y - radius) - tableTop;
      const bottom = Math.min(tableBottom - 1, y + radius) - tableTop;
      const centre = y - tableTop;
      for (let x = 0; x < width; x++) {
        const left = Math.max(0, x - radius);
        const right = Math.min(width - 1, x + radius);
        for (let quadrant = 0; quadrant < 4; quadrant++) {
          const x0 = quadrant & 1 ? x : left;
          const x1 = quadrant & 1 ? right : x;
          const y0 = quadrant & 2 ? centre : top;
          const y1 = quadrant & 2 ? bottom : centre;
          const count = (x1 - x0 + 1) * (y1 - y0 + 1);
          const bottomRight = (y1 + 1) * stride + (x1 + 1) * 4;
          const topRight = y0 * stride + (x1 + 1) * 4;
          const bottomLeft = (y1 + 1) * stride + x0 * 4;
          const topLeft = y0 * stride + x0 * 4;
          const sumRed = table[bottomRight] - table[topRight] - table[bottomLeft] + table[topLeft];
          const sumGreen = table[bottomRight + 1] - table[topRight + 1] - table[bottomLeft + 1] + table[topLeft + 1];
          const sumBlue = table[bottomRight + 2] - table[topRight + 2] - table[bottomLeft + 2] + table[topLeft + 2];
          const sumSquares = table[bottomRight + 3] - table[topRight + 3] - table[bottomLeft + 3] + table[topLeft + 3];
          const meanRed = sumRed / count, meanGreen = sumGreen / count, meanBlue = sumBlue / count;
          // Total variance of the three channels; +1 keeps perfectly flat quadrants finite.
          const variance = sumSquares / count - (meanRed * meanRed + meanGreen * meanGreen + meanBlue * meanBlue) + 1;
          const squared = variance * variance;
          weights[quadrant] = 1 / (sharpness === 4 ? squared * squared : squared);
          means[quadrant * 3] = meanRed;
          means[quadrant * 3 + 1] = meanGreen;
          means[quadrant * 3 + 2] = meanBlue;
        }
        const total = weights[0] + weights[1] + weights[2] + weights[3];
        output[to++] = (means[0] * weights[0] + means[3] * weights[1] + means[6] * weights[2] + means[9] * weights[3]) / total + 0.5;
        output[to++] = (means[1] * weights[0] + means[4] * weights[1] + means[7] * weights[2] + means[10] * weights[3]) / total + 0.5;
        output[to++] = (means[2] * weights[0] + means[5] * weights[1] + means[8] * weights[2] + means[11] * weights[3]) / total + 0.5;
      }
    }
  }
  return { data: output };
}

/** Fills `table` with the interleaved summed-area table of image rows [top, bottom); table row 0 is all zeros. */
function buildTable(image: Uint8Array, width: number, top: number, bottom: number, table: Float64Array, stride: number): void {
  table.fill(0, 0, stride);
  for (let y = top; y < bottom; y++) {
    let sumRed = 0, sumGreen = 0, sumBlue = 0, sumSquares = 0;
    let from = y * width * 3;
    const above = (y - top) * stride;
    const here = above + stride;
    table[here] = 0; table[here + 1] = 0; table[here + 2] = 0; table[here + 3] = 0;
    for (let x = 0; x < width; x++, from += 3) {
      const red = image[from], green = image[from + 1], blue = image[from + 2];
      sumRed += red; sumGreen += green; sumBlue += blue;
      sumSquares += red * red + green * green + blue * blue;
      const cell = here + (x + 1) * 4;
      const cellAbove = above + (x + 1) * 4;
      table[cell] = table[cellAbove] + sumRed;
      table[cell + 1] = table[cellAbove + 1] + sumGreen;
      table[cell + 2] = table[cellAbove + 2] + sumBlue;
      table[cell + 3] = table[cellAbove + 3] + sumSquares;
    }
  }
}
