import { GatewayError } from '../errors/gateway-error.ts';
import type { Warning } from '../providers/spec/warning.ts';
import { decodeImage, decodeMask } from './decode-image.ts';
import { defaultOutputFormat, encodeImage } from './encode-image.ts';
import type { EngineImageJob, EngineImageOutput, EngineImageResult } from './engine-types.ts';
import { runMaskedEdit } from './inpaint/index.ts';
import { interpretPrompt } from './prompt/interpret-prompt.ts';
import type { RawImage } from './raw-image.ts';
import type { Recipe } from './recipes/recipe.ts';
import { renderRecipes } from './render-recipes.ts';
import { attachAlpha, separateAlpha } from './sharp-stage.ts';
import { validateImageJob, variationSeed } from './validate-image-job.ts';
import type { WorkerPool } from './workers/worker-pool.ts';

export interface EditImageDependencies {
  pool: WorkerPool;
  maxInputPixels: number;
}

/**
 * The engine's image-to-image path: validate, decode once, understand the prompt, render `n` variations (seed + i)
 * — through the inpainting module when there is a mask — and encode each at the input's size. Variations run
 * concurrently; the worker pool and libvips share the cores between them.
 *
 * @throws GatewayError `parameter_invalid`, `style_unknown`, `input_pixels_exceeded`, `input_image_corrupt`,
 *   `mask_size_mismatch`, `mask_empty`, or `engine_failed` for anything unexpected; the signal's reason when aborted.
 */
export async function editImage(job: EngineImageJob, dependencies: EditImageDependencies): Promise<EngineImageResult> {
  const { pool, maxInputPixels } = dependencies;
  const { signal } = job;
  const validated = validateImageJob(job);
  signal?.throwIfAborted();
  const decoded = await decodeImage(job.image.bytes, maxInputPixels);
  const mask = job.mask ? await decodeMask(job.mask.bytes, decoded, maxInputPixels) : undefined;
  signal?.throwIfAborted();
  const outputFormat = validated.outputFormat ?? defaultOutputFormat({ mediaType: job.image.mediaType, hasAlpha: job.image.hasAlpha || decoded.channels === 4 });

  // With a mask, a prompt that names no catalogue entry is the inpainting module's business (remove, recolour …),
  // so the engine's own default enhancement and its warning only apply without a mask.
  const plan = interpretPrompt(job.prompt, validated.explicitStyle);
  const recipes: Recipe[] = mask && plan.usedDefault ? [] : plan.recipes;
  const warnings: Warning[] = mask && plan.usedDefault ? [] : [...plan.warnings];
  const applied = new Set<string>(recipes.map((recipe) => recipe.id));
  const { colour, alpha } = await separateAlpha(decoded);
  const renderStyled = async (image: RawImage, seed: number): Promise<RawImage> => {
    const parts = image === decoded ? { colour, alpha } : await separateAlpha(image);
    const styled = await renderRecipes(parts.colour, { recipes, strength: validated.strength, seed, pool, signal });
    return attachAlpha(styled, parts.alpha);
  };

  let finished = 0;
  const renderOne = async (index: number): Promise<EngineImageOutput> => {
    const seed = variationSeed(validated.seed, index);
    let result: RawImage;
    try {
      if (mask) {
        const masked = await runMaskedEdit({
          image: decoded, mask: mask.data, prompt: job.prompt, seed, pool, signal,
          renderStyled: recipes.length > 0 ? (image) => renderStyled(image, seed) : undefined,
        });
        if (index === 0) {
          warnings.push(...masked.warnings);
          for (const step of masked.applied) applied.add(step);
        }
        result = masked.image;
      } else {
        result = await renderStyled(decoded, seed);
      }
    } catch (error) {
      throw asEngineError(error, signal, 'rendering');
    }
    const encoded = await encodeImage(result, outputFormat);
    if (index === 0) warnings.push(...encoded.warnings);
    finished++;
    job.onProgress?.(Math.round((finished / validated.n) * 100));
    return { bytes: encoded.bytes, mediaType: encoded.mediaType, width: result.width, height: result.height, seed };
  };
  const outputs = await Promise.all(Array.from({ length: validated.n }, (_, index) => renderOne(index)));
  return { outputs, warnings, applied: [...applied] };
}

/** Known errors and cancellations pass through; anything else becomes `engine_failed` (its message, never a stack). */
function asEngineError(error: unknown, signal: AbortSignal | undefined, stage: string): unknown {
  if (GatewayError.isInstance(error)) return error;
  if (signal?.aborted && (error === signal.reason || (error instanceof Error && error.name === 'AbortError'))) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new GatewayError('engine_failed', { stage, reason }, { cause: error });
}
