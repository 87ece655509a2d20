import { z } from 'zod';
import { adaptInputOptionSchema } from '../shared/adapt-input-option.ts';
import { parseProviderOptions } from '../shared/parse-provider-options.ts';

/** Where these options sit in a request, as error messages name them. */
export const stepfunOptionsPrefix = 'provider_options.stepfun';

/**
 * `provider_options.stepfun`: image2image fields without a unified equivalent, in StepFun's spelling. Strict: an
 * unknown key or an out-of-range value is a 400, never dropped or clamped. `model`, `prompt`, `source_url`, `size`,
 * `n` and `seed` come from the unified request.
 */
export const stepfunOptionsSchema = z.strictObject({
  source_weight: z.number().gt(0).max(1).optional(),
  steps: z.int().min(1).max(100).optional(),
  cfg_scale: z.number().min(1).max(10).optional(),
  response_format: z.enum(['b64_json', 'url']).optional(),
  adapt_input: adaptInputOptionSchema.optional(),
});

/** Validated StepFun options. */
export type StepFunOptions = z.output<typeof stepfunOptionsSchema>;

/**
 * Validates `provider_options.stepfun`.
 *
 * @throws GatewayError `parameter_invalid` ("Expected <what> for provider_options.stepfun.<field> but received …")
 */
export function parseStepFunOptions(value: unknown): StepFunOptions {
  return parseProviderOptions(stepfunOptionsSchema, value, stepfunOptionsPrefix);
}
