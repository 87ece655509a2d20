import { z } from 'zod';
import { adaptInputOptionSchema } from '../shared/adapt-input-option.ts';
import { parseProviderOptions } from '../shared/parse-provider-options.ts';

/** Where these options sit in a request, as error messages name them. */
export const openAiOptionsPrefix = 'provider_options.openai';

/**
 * `provider_options.openai`: documented `images/edits` fields without a unified equivalent, in OpenAI's spelling.
 * Strict: unknown keys (including `stream` and `partial_images`: Atelier does not stream) and out-of-range values
 * are a 400. Which fields a model accepts is checked per model (`openai-call-checks.ts`).
 */
export const openAiOptionsSchema = z.strictObject({
  quality: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  background: z.enum(['transparent', 'opaque', 'auto']).optional(),
  output_compression: z.int().min(0).max(100).optional(),
  input_fidelity: z.enum(['high', 'low']).optional(),
  size: z.enum(['auto']).optional(),
  response_format: z.enum(['b64_json', 'url']).optional(),
  user: z.string().max(256).optional(),
  extra_images: z.array(z.string().min(1)).max(15).optional(),
  adapt_input: adaptInputOptionSchema.optional(),
});

/** Validated OpenAI options. */
export type OpenAiOptions = z.output<typeof openAiOptionsSchema>;

/**
 * Validates `provider_options.openai`.
 *
 * @throws GatewayError `parameter_invalid` ("Expected <what> for provider_options.openai.<field> but received …")
 */
export function parseOpenAiOptions(value: unknown): OpenAiOptions {
  return parseProviderOptions(openAiOptionsSchema, value, openAiOptionsPrefix);
}
