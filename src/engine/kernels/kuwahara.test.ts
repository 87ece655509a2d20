import { describe, expect, it } from 'vitest';
import { kuwaharaBand } from './kuwahara.ts';

/** Straightforward classic-quadrant Kuwahara with the same weighting, summing every window pixel by pixel. */
function referenceKuwahara(image: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const output = new Uint8Array(image.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let weightTotal = 0;
      const mixed = [0, 0, 0];
      for (let quadrant = 0; quadrant < 4; quadrant++) {
        const x0 = quadrant & 1 ? x : Math.max(0, x - radius);
        const x1 = quadrant & 1 ? Math.min(width - 1, x + radius) : x;
        const y0 = quadrant & 2 ? y : Math.max(0, y - radius);
        const y1 = quadrant & 2 ? Math.min(height - 1, y + radius) : y;
        const sums = [0, 0, 0];
        let squares = 0;
        let count = 0;
        for (let sampleY = y0; sampleY <= y1; sampleY++) {
          for (let sampleX = x0; sampleX <= x1; sampleX++) {
            for (let channel = 0; channel < 3; channel++) {
              const value = image[(sampleY * width + sampleX) * 3 + channel];
              sums[channel] += value;
              squares += value * value;
            }
            count++;
          }
        }
        const means = sums.map((sum) => sum / count);
        const variance = squares / count - (means[0] ** 2 + means[1] ** 2 + means[2] ** 2) + 1;
        const weight = 1 / variance ** 4;
        weightTotal += weight;
        for (let channel = 0; channel < 3; channel++) mixed[channel] += means[channel] * weight;
      }
      for (let channel = 0; channel < 3; channel++) output[(y * width + x) * 3 + channel] = Math.floor(mixed[channel] / weightTotal + 0.5);
    }
  }
  return output;
}

describe('kuwaharaBand', () => {
  it('matches a pixel-by-pixel reference across its internal row chunks', () => {
    const width = 23;
    const height = 150;
    const radius = 3;
    let state = 99;
    const image = Uint8Array.from({ length: width * height * 3 }, (_, index) => {
      state = (state * 1103515245 + 12345) >>> 0;
      return ((index % 69) * 3 + (state >>> 24)) & 255;
    });
    const { data } = kuwaharaBand({ width, height, top: 0, haloTop: 0, haloBottom: 0, imageWidth: width, imageHeight: height, parameters: { radius, sharpness: 4 }, image });
    const expected = referenceKuwahara(image, width, height, radius);
    let worst = 0;
    for (let index = 0; index < data.length; index++) worst = Math.max(worst, Math.abs(data[index] - expected[index]));
    // Summed-area tables and direct sums round differently in the last bit, which may move a .5 by one level.
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('flattens noise inside a region and keeps a step edge', () => {
    const width = 40;
    const height = 20;
    const image = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) image.fill(x < 20 ? 40 + ((x * 7 + y * 13) % 11) : 210, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
    const { data } = kuwaharaBand({ width, height, top: 0, haloTop: 0, haloBottom: 0, imageWidth: width, imageHeight: height, parameters: { radius: 3, sharpness: 4 }, image });
    const at = (x: number, y: number) => data[(y * width + x) * 3];
    expect(at(19, 10)).toBeLessThan(60);
    expect(at(20, 10)).toBe(210);
    const leftValues = new Set(Array.from({ length: 10 }, (_, index) => at(5 + index, 10)));
    expect(leftValues.size).toBeLessThan(6);
  });
});
