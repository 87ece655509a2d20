import { afterAll, describe, expect, it } from 'vitest';
import { valueNoise, valueNoiseField } from './kernels/noise.ts';
import { catalogue } from './recipes/catalogue.ts';
import { runInBands } from './run-in-bands.ts';
import { createSeededRandom, deriveSeed } from './seeded-random.ts';
import { syntheticScene } from './testing/synthetic-scene.ts';
import { WorkerPool } from './workers/worker-pool.ts';

const singleWorker = new WorkerPool(1);
const threeWorkers = new WorkerPool(3);
afterAll(async () => {
  await singleWorker.close();
  await threeWorkers.close();
});

describe('runInBands', () => {
  it('stitches band results in order', async () => {
    const width = 4;
    const height = 300;
    const data = Uint8Array.from({ length: width * height * 3 }, (_, index) => index % 251);
    const output = await runInBands(threeWorkers, { module: 'kernels/blend-strength.ts', exportName: 'blendStrengthBand' }, {
      width, height, halo: 0, outputChannels: 3, minimumRowsPerBand: 50,
      sources: { original: { data, channels: 3 }, styled: { data, channels: 3 } },
      parameters: { strength: 1 },
    });
    expect(Buffer.compare(Buffer.from(output), Buffer.from(data))).toBe(0);
  });

  it('gives every recipe the same bytes whether it runs on one worker or three (results do not depend on core count)', async () => {
    const { image } = syntheticScene(160, 400);
    for (const recipe of catalogue) {
      const [alone, split] = await Promise.all([
        recipe.render(image, { pool: singleWorker, random: createSeededRandom(9) }),
        recipe.render(image, { pool: threeWorkers, random: createSeededRandom(9) }),
      ]);
      expect({ id: recipe.id, identical: Buffer.compare(Buffer.from(alone.data), Buffer.from(split.data)) === 0 }).toEqual({ id: recipe.id, identical: true });
    }
  });
});

describe('noise and seeds', () => {
  it('computes the same value noise per band as per pixel', () => {
    const field = valueNoiseField(37, 11, 5, 6, 1234);
    for (let row = 0; row < 5; row++) {
      for (let x = 0; x < 37; x++) expect(field[row * 37 + x]).toBeCloseTo(valueNoise(x, 11 + row, 6, 1234), 5);
    }
  });

  it('derives distinct, reproducible sub-seeds', () => {
    expect(deriveSeed(7, 0)).toBe(deriveSeed(7, 0));
    expect(new Set([deriveSeed(7, 0), deriveSeed(7, 1), deriveSeed(8, 0), deriveSeed(8, 1)]).size).toBe(4);
    const random = createSeededRandom(42);
    const values = Array.from({ length: 1000 }, () => random.next());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(Math.abs(values.reduce((sum, value) => sum + value, 0) / 1000 - 0.5)).toBeLessThan(0.05);
  });
});
