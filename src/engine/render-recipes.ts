import type { RawImage } from './raw-image.ts';
import type { Recipe } from './recipes/recipe.ts';
import { runInBands } from './run-in-bands.ts';
import { createSeededRandom, deriveSeed } from './seeded-random.ts';
import type { BlendStrengthParameters } from './kernels/blend-strength.ts';
import type { WorkerPool } from './workers/worker-pool.ts';

export interface RenderRecipesOptions {
  recipes: readonly Recipe[];
  /** (0, 1]; 1 skips the blend. */
  strength: number;
  /** This variation's seed: all seed-driven choices of all recipes derive from it. */
  seed: number;
  pool: WorkerPool;
  signal?: AbortSignal;
}

/**
 * Renders one variation: runs the recipes in order on an RGB image (style first, then edits), checking for
 * cancellation between stages, then mixes the result with the original by `strength`. Every recipe gets its own
 * generator derived from the seed and its position, so adding an edit does not change the style's randomness.
 */
export async function renderRecipes(original: RawImage, options: RenderRecipesOptions): Promise<RawImage> {
  const { pool, signal } = options;
  let current = original;
  for (const [position, recipe] of options.recipes.entries()) {
    signal?.throwIfAborted();
    const random = createSeededRandom(deriveSeed(options.seed, position));
    const next = await recipe.render(current, { pool, random, signal });
    if (next.width !== current.width || next.height !== current.height || next.channels !== 3) {
      throw new Error(`recipe ${recipe.id} returned ${next.width}×${next.height}×${next.channels}, expected ${current.width}×${current.height}×3`);
    }
    current = next;
  }
  signal?.throwIfAborted();
  if (options.strength >= 1 || current === original) return current;
  const data = await runInBands<BlendStrengthParameters>(pool, { module: 'kernels/blend-strength.ts', exportName: 'blendStrengthBand' }, {
    width: original.width, height: original.height, halo: 0, outputChannels: 3, signal,
    sources: { original: { data: original.data, channels: 3 }, styled: { data: current.data, channels: 3 } },
    parameters: { strength: options.strength },
  });
  return { data, width: original.width, height: original.height, channels: 3 };
}
