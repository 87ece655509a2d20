/**
 * The embedded engine's public API: create an engine, list its catalogue, and the types callers exchange with it.
 * Everything else under `src/engine/` is internal.
 */
export { createEngine } from './create-engine.ts';
export { listStyles } from './prompt/list-styles.ts';
export { interpretPrompt, understoodSummary, type PromptPlan } from './prompt/interpret-prompt.ts';
export { catalogue, catalogueIds, defaultRecipeIds } from './recipes/catalogue.ts';
export { defaultOutputFormat } from './encode-image.ts';
export { defaultMaxInputPixels } from './decode-image.ts';
export type { RawImage, RawPlane } from './raw-image.ts';
export type { Recipe, RecipeContext } from './recipes/recipe.ts';
export type {
  Engine, EngineImageJob, EngineImageOutput, EngineImageResult, EngineOptions, EngineVideoJob, EngineVideoResult,
  MotionDescription, StyleDescription,
} from './engine-types.ts';
