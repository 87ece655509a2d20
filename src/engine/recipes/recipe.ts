import type { RawImage } from '../raw-image.ts';
import type { SeededRandom } from '../seeded-random.ts';
import type { WorkerPool } from '../workers/worker-pool.ts';

/** Everything a recipe may use besides the pixels. */
export interface RecipeContext {
  /** Where heavy per-pixel JS runs (never on the event loop). */
  pool: WorkerPool;
  /** Seed-driven choices for this variation (parameter jitter, texture seeds, palettes). */
  random: SeededRandom;
  signal?: AbortSignal;
}

/**
 * One catalogue entry: metadata and keywords are plain data (read by prompt understanding, `GET /v1/styles`, the
 * contact sheet and the tests); `render` turns an RGB image into an RGB image of the same size.
 */
export interface Recipe {
  /** Stable catalogue id used in the `style` field, e.g. `oil-painting`. */
  readonly id: string;
  /** A style replaces the look of the whole image (one per request); edits adjust it and can be stacked. */
  readonly kind: 'style' | 'edit';
  readonly name: string;
  readonly description: string;
  /**
   * Words that select this entry. English keywords match whole words, case-insensitively, with spaces, hyphens and
   * underscores interchangeable; Chinese keywords match as substrings. When two keywords overlap in a prompt, the
   * longer one wins ("charcoal sketch" is charcoal, not pencil sketch).
   */
  readonly keywords: { readonly en: readonly string[]; readonly zh: readonly string[] };
  readonly examplePrompts: { readonly en: readonly string[]; readonly zh: readonly string[] };
  /** @param image RGB (3 channels); the result must be RGB of the same width and height. */
  render(image: RawImage, context: RecipeContext): Promise<RawImage>;
}
