import { describe, expect, it } from 'vitest';
import { farAway, squaredDistanceToFeatures } from './distance-transform.ts';
import { dilateBinary, findMaskBounds, labelComponents } from './mask-geometry.ts';
import { planRemoval, region } from './removal-plan.ts';
import { teleaInpaint, teleaRegion } from './telea.ts';
import { correctSeams } from './seam-correction.ts';
import { createSeededRandom } from '../seeded-random.ts';

describe('squaredDistanceToFeatures', () => {
  it('matches a brute-force search on a random pattern', () => {
    const width = 23;
    const height = 17;
    const random = createSeededRandom(4);
    const features = Uint8Array.from({ length: width * height }, () => (random.next() < 0.05 ? 1 : 0));
    const result = squaredDistanceToFeatures(features, width, height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let best = farAway;
        for (let fy = 0; fy < height; fy++) for (let fx = 0; fx < width; fx++) if (features[fy * width + fx]) best = Math.min(best, (fx - x) ** 2 + (fy - y) ** 2);
        expect(result[y * width + x]).toBe(best);
      }
    }
  });

  it('reports farAway everywhere when there is no feature', () => {
    expect(Array.from(squaredDistanceToFeatures(new Uint8Array(6), 3, 2))).toEqual(Array(6).fill(farAway));
  });
});

describe('mask geometry', () => {
  it('dilates by a disc, finds bounds and labels 8-connected components', () => {
    const width = 12;
    const plane = new Uint8Array(width * 9);
    plane[4 * width + 3] = 1;
    plane[1 * width + 9] = 1;
    plane[2 * width + 10] = 1; // diagonal neighbour of the previous pixel: same component
    const dilated = dilateBinary(plane, width, 9, 2);
    expect(dilated[4 * width + 5]).toBe(1);
    expect(dilated[6 * width + 5]).toBe(0); // (2, 2) away: outside a radius-2 disc
    expect(findMaskBounds(Uint8Array.from(plane, (value) => value * 255), width, 9)).toEqual({ left: 3, top: 1, width: 8, height: 4 });
    const { components } = labelComponents(plane, width, 9);
    expect(components.map((component) => component.pixelCount)).toEqual([2, 1]);
  });
});

describe('planRemoval', () => {
  it('sends a thin stroke to Telea and a wide square to PatchMatch, keeping the dilation ring out of the PatchMatch hole', () => {
    const width = 120;
    const height = 80;
    const mask = new Uint8Array(width * height);
    for (let x = 5; x < 50; x++) for (let y = 10; y < 14; y++) mask[y * width + x] = 255; // 4 px stroke
    for (let y = 30; y < 60; y++) for (let x = 70; x < 100; x++) mask[y * width + x] = 255; // 30 px square
    const plan = planRemoval({ mask, box: { left: 0, top: 0, width, height }, imageWidth: width, imageHeight: height, dilationRadius: 3, thinRadiusLimit: 6 });
    expect(plan.hasThin).toBe(true);
    expect(plan.groups).toHaveLength(1);
    expect(plan.groups[0].holeRadius).toBeGreaterThan(15);
    expect(plan.regions[12 * width + 20]).toBe(region.thin);
    expect(plan.regions[16 * width + 20]).toBe(region.thin); // dilated part of the stroke
    expect(plan.regions[45 * width + 85]).toBe(region.thick);
    expect(plan.regions[45 * width + 68]).toBe(region.thickRing);
    expect(plan.regions[45 * width + 60]).toBe(region.keep);
  });
});

describe('teleaInpaint', () => {
  it('fills a stroke across a smooth gradient with values close to the gradient', () => {
    const width = 60;
    const height = 40;
    const image = new Uint8Array(width * height);
    const regions = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image[y * width + x] = 50 + 2 * x + y;
    const expected = Uint8Array.from(image);
    for (let y = 18; y < 22; y++) {
      for (let x = 5; x < 55; x++) {
        regions[y * width + x] = teleaRegion.fill;
        image[y * width + x] = 0;
      }
    }
    teleaInpaint({ image, width, height, channels: 1, regions, radius: 4 });
    let worst = 0;
    for (let pixel = 0; pixel < regions.length; pixel++) if (regions[pixel] === teleaRegion.fill) worst = Math.max(worst, Math.abs(image[pixel] - expected[pixel]));
    expect(worst).toBeLessThanOrEqual(4);
  });

  it('never reads unavailable pixels', () => {
    const width = 20;
    const height = 10;
    const image = new Uint8Array(width * height).fill(100);
    const regions = new Uint8Array(width * height);
    for (let x = 0; x < width; x++) {
      regions[5 * width + x] = teleaRegion.fill;
      regions[6 * width + x] = teleaRegion.unavailable;
      image[6 * width + x] = 255;
    }
    teleaInpaint({ image, width, height, channels: 1, regions, radius: 3 });
    for (let x = 0; x < width; x++) expect(image[5 * width + x]).toBe(100);
  });
});

describe('correctSeams', () => {
  it('moves the fill towards the border’s tone near the border and leaves known pixels alone', () => {
    const width = 40;
    const height = 30;
    const image = new Uint8Array(width * height).fill(60);
    const hole = new Uint8Array(width * height);
    for (let y = 10; y < 20; y++) for (let x = 10; x < 30; x++) {
      hole[y * width + x] = 1;
      image[y * width + x] = 160;
    }
    correctSeams(image, hole, width, height, 1);
    expect(image[15 * width + 10]).toBeLessThan(70);
    expect(image[15 * width + 20]).toBeLessThan(100);
    expect(image[5 * width + 5]).toBe(60);
  });
});
