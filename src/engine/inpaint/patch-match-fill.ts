import { createSeededRandom } from '../seeded-random.ts';
import type { WorkerPool } from '../workers/worker-pool.ts';
import type { PatchMatchLevelImage } from './patch-match-pyramid.ts';
import type { NearestNeighbourField, PatchMatchLevelInput, PatchMatchLevelOutput } from './patch-match-level.ts';

/** Patch side: 7×7 is the usual compromise between texture structure and speed. */
export const patchSize = 7;

export interface PatchMatchFillOptions {
  /** Interleaved pixels of the crop; transferred to the worker pool (do not reuse). */
  image: Uint8Array;
  /** 1 = fill; transferred too. */
  hole: Uint8Array;
  /** 1 = never copy from (the hole and the ring around it); transferred too. */
  excluded: Uint8Array;
  width: number;
  height: number;
  channels: number;
  /** Largest inscribed radius of the hole in pixels (sets the pyramid depth). */
  holeRadius: number;
  seed: number;
  pool: WorkerPool;
  signal?: AbortSignal;
}

/**
 * Above this many hole pixels, full resolution is not searched: its field is the half-resolution one, doubled,
 * and only voted (the "reduced resolution for large holes" of the engine notes, §6). The texture is still copied
 * from full-resolution sources, coherently; the search there would cost about half of the total for a 400×300 hole
 * and changes little, because the layout was settled at coarser levels.
 */
export const fullResolutionSearchLimit = 60_000;

/**
 * EM iterations and PatchMatch passes per level (0 = full resolution). Coarse levels are cheap and decide the
 * layout, so they get many iterations; the finest levels refine a field that is already good (the upsampled one),
 * which is where most of the time would go.
 */
function scheduleFor(level: number, holePixels: number): { emIterations: number; searchIterations: number } {
  if (level === 0) return holePixels > fullResolutionSearchLimit ? { emIterations: 0, searchIterations: 0 } : { emIterations: 1, searchIterations: 2 };
  if (level === 1) return { emIterations: 2, searchIterations: 3 };
  return { emIterations: 4, searchIterations: 4 };
}

/**
 * Multi-scale PatchMatch hole filling, one worker-pool job per pyramid level so that cancellation is checked between
 * levels (the notes' §6 and §11).
 *
 * @returns the filled crop, or `undefined` when the crop has too few complete patches outside the hole for
 *   PatchMatch to copy from (the caller then fills it with Telea)
 */
export async function patchMatchFill(options: PatchMatchFillOptions): Promise<Uint8Array | undefined> {
  const { pool, signal, width, height, channels } = options;
  let holePixels = 0;
  for (const value of options.hole) holePixels += value;
  const pyramid = await pool.run<{ levels: PatchMatchLevelImage[] }>(
    { module: 'inpaint/patch-match-pyramid.ts', exportName: 'buildPatchMatchPyramid', input: { image: options.image, hole: options.hole, excluded: options.excluded, width, height, channels, holeRadius: options.holeRadius, patchSize } },
    signal,
  );
  if (pyramid.levels.length === 0) return undefined;
  const seeds = createSeededRandom(options.seed);
  let coarser: NearestNeighbourField | undefined;
  let filled: Uint8Array | undefined;
  for (let level = pyramid.levels.length - 1; level >= 0; level--) {
    signal?.throwIfAborted();
    const levelImage = pyramid.levels[level];
    const input: PatchMatchLevelInput = { ...levelImage, channels, patchSize, coarser, seed: seeds.nextSeed(), ...scheduleFor(level, holePixels), correctSeams: level === 0 };
    const output = await pool.run<PatchMatchLevelOutput>({ module: 'inpaint/patch-match-level.ts', exportName: 'solvePatchMatchLevel', input }, signal);
    coarser = { sourceX: output.sourceX, sourceY: output.sourceY, width: output.width, height: output.height };
    filled = output.image;
  }
  return filled;
}
