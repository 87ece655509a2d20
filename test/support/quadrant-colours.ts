import sharp from 'sharp';
import { expect } from 'vitest';

/**
 * Checks for test images made of four quadrants: white top left, red top right, green bottom left, black bottom
 * right. Colours are read as a provider decodes the bytes (no colour conversion), so an image that a rotation,
 * a lost channel or a CMYK misreading changed fails them.
 */

/** The colour at the middle of each quadrant: [top left, top right, bottom left, bottom right]. */
export async function quadrantColours(bytes: Buffer): Promise<number[][]> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]].map(([xFraction, yFraction]) => {
    const offset = (Math.floor(info.height * yFraction) * info.width + Math.floor(info.width * xFraction)) * info.channels;
    return [...data.subarray(offset, offset + 3)];
  });
}

/** White, red, green, black where they were: an inverted or misread CMYK image fails every one of these. */
export async function expectQuadrantColours(bytes: Buffer): Promise<void> {
  const [topLeft, topRight, bottomLeft, bottomRight] = await quadrantColours(bytes);
  expect(Math.min(...topLeft)).toBeGreaterThan(235);
  expect(topRight[0]).toBeGreaterThan(180);
  expect(Math.max(topRight[1], topRight[2])).toBeLessThan(80);
  expect(bottomLeft[1]).toBeGreaterThan(120);
  expect(Math.max(bottomLeft[0], bottomLeft[2])).toBeLessThan(90);
  expect(Math.max(...bottomRight)).toBeLessThan(30);
}
