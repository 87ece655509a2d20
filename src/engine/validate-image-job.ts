import { randomInt } from 'node:crypto';
import { GatewayError, describeReceived } from '../errors/gateway-error.ts';
import type { OutputFormat } from '../providers/spec/generation-call.ts';
import type { EngineImageJob } from './engine-types.ts';
import { catalogueIds, findRecipe } from './recipes/catalogue.ts';
import type { Recipe } from './recipes/recipe.ts';
import { maximumSeed } from './seeded-random.ts';

/** An image job after validation: every range checked (nothing clamped), defaults filled in. */
export interface ValidatedImageJob {
  n: number;
  strength: number;
  seed: number;
  explicitStyle?: Recipe;
  outputFormat?: OutputFormat;
}

const outputFormats: readonly OutputFormat[] = ['png', 'jpeg', 'webp'];

/**
 * Checks an image job's parameters the way the HTTP layer does, so direct engine callers (CLI, tests) get the same
 * errors: `n` an integer 1–4, `strength` in (0, 1], `seed` an integer 0–2147483647, `outputFormat` png | jpeg | webp,
 * `style` a catalogue id.
 *
 * @throws GatewayError `parameter_invalid` for an out-of-range value; `style_unknown` (with the known ids) for an
 *   unknown style.
 */
export function validateImageJob(job: Pick<EngineImageJob, 'n' | 'strength' | 'seed' | 'outputFormat' | 'style'>): ValidatedImageJob {
  const { n } = job;
  if (!Number.isInteger(n) || n < 1 || n > 4) {
    throw new GatewayError('parameter_invalid', { expected: 'an integer between 1 and 4', parameter: 'n', received: describeReceived(n) });
  }
  const strength = job.strength ?? 1;
  if (typeof strength !== 'number' || !Number.isFinite(strength) || strength <= 0 || strength > 1) {
    throw new GatewayError('parameter_invalid', { expected: 'a number greater than 0 and at most 1', parameter: 'strength', received: describeReceived(job.strength) });
  }
  if (job.seed !== undefined && (!Number.isInteger(job.seed) || job.seed < 0 || job.seed > maximumSeed)) {
    throw new GatewayError('parameter_invalid', { expected: `an integer between 0 and ${maximumSeed}`, parameter: 'seed', received: describeReceived(job.seed) });
  }
  if (job.outputFormat !== undefined && !outputFormats.includes(job.outputFormat)) {
    throw new GatewayError('parameter_invalid', { expected: `one of: ${outputFormats.join(', ')}`, parameter: 'output_format', received: describeReceived(job.outputFormat) });
  }
  let explicitStyle: Recipe | undefined;
  if (job.style !== undefined) {
    explicitStyle = typeof job.style === 'string' ? findRecipe(job.style) : undefined;
    if (!explicitStyle) throw new GatewayError('style_unknown', { known: catalogueIds.join(', '), received: describeReceived(job.style) });
  }
  // Leave room for seed + (n − 1) so every reported seed is itself a valid input.
  const seed = job.seed ?? randomInt(0, maximumSeed - 3);
  return { n, strength, seed, explicitStyle, outputFormat: job.outputFormat };
}

/** Seed of variation `index`: seed + index, wrapping past the largest valid seed so it can always be sent back. */
export function variationSeed(seed: number, index: number): number {
  return (seed + index) % (maximumSeed + 1);
}
