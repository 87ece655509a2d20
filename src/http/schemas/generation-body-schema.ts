import { z } from '@hono/zod-openapi';
import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import { inputTypes } from '../../input/load-image-input.ts';
import type { ServiceName } from '../../providers/spec/generation-call.ts';
import { fallbackEntryFormat, isFallbackEntry, maxFallbacks } from '../../routing/fallback-chain.ts';
import { hybridPolicies, type HybridPolicy } from '../../routing/hybrid-policy.ts';
import type { GenerationRequest, InputReference } from '../../services/generation-request.ts';
import { booleanField, integerBetween, numberAboveUpTo, oneOf, parseSize, sizeField, text } from './field-schemas.ts';

const imageDescription = 'The input image: a file path on the Atelier machine, an http(s) URL, or base64 (bare or a data: URI), as image_type says.';

/** Fields every generation body shares (AOG's fields plus Atelier's optional extensions). */
export const commonGenerationFields = {
  model: text(200).optional().openapi({ description: 'Model name; omitted = the embedded engine. Aliases such as wanx2.1-i2i-turbo are accepted.', example: 'wanx2.1-i2i-turbo' }),
  image: z.string({ error: 'a string: a path, an http(s) URL or base64, as image_type says' }).openapi({ description: imageDescription }),
  image_type: oneOf(inputTypes).openapi({ description: 'How to read image.' }),
  prompt: text(4000).optional().openapi({ description: 'What to do, in English or Chinese.', example: '改为油画风格' }),
  negative_prompt: text(2000).optional().openapi({ description: 'What to avoid (cloud providers that support it).' }),
  hybrid_policy: z.enum(hybridPolicies).optional().openapi({ description: 'default: the model\'s configured provider, else the embedded engine; always_local; always_remote.' }),
  remote_service_provider: z.string({ error: 'a provider name (a string)' }).optional().openapi({ description: 'Provider name: aliyun (dashscope), tencent, stepfun, openai, local, or an AOG provider name.' }),
  seed: integerBetween(0, 2147483647).optional().openapi({ description: 'Seed of the first output; output i uses seed + i.' }),
  provider_options: z.record(z.string(), z.record(z.string(), z.unknown()), { error: 'an object keyed by provider name' }).optional()
    .openapi({ description: 'Provider-specific options under the provider\'s name, e.g. {"aliyun": {"function": "stylization_all"}}.' }),
  fallbacks: z.array(z.string({ error: fallbackEntryFormat }).refine(isFallbackEntry, { error: fallbackEntryFormat }), { error: `an array of at most ${maxFallbacks} providers` })
    .max(maxFallbacks, { error: `an array of at most ${maxFallbacks} providers` }).optional()
    .openapi({
      description: 'Atelier extension: providers to try, in order, when the chosen one fails with a retryable error (unavailable, throttled, timed out) '
        + 'or is out of use (its endpoint retired) — never after bad input, rejected credentials or refused content. Each entry is a provider name as remote_service_provider accepts it, '
        + 'optionally with a model: "tencent", "aliyun:wanx2.1-imageedit", "local". Omitted = the service\'s configured default '
        + '(services.<service>.fallbacks in config.json); [] = no fallback. provider_options are sent to the first provider only.',
      example: ['tencent', 'local'],
    }),
};

/** Image-to-image body: AOG's fields plus mask, strength, style, size, output_format. */
export const imageToImageBodySchema = z.object({
  ...commonGenerationFields,
  n: integerBetween(1, 4).optional().openapi({ description: 'Number of images, 1–4 (default 1).' }),
  mask: z.string({ error: 'a string: a path, an http(s) URL or base64, read like image' }).optional().openapi({ description: 'Mask image (same size as image), read like image.' }),
  mask_type: z.enum(inputTypes).optional().openapi({ description: 'How to read mask.' }),
  mask_convention: oneOf(['white', 'alpha', 'auto']).optional().openapi({ description: 'white = white marks the edit area (DashScope); alpha = transparent marks it (OpenAI); auto (default) detects.' }),
  strength: numberAboveUpTo(0, 1).optional().openapi({ description: 'How far the result moves from the original, (0, 1]; larger = more change.' }),
  style: text(100).optional().openapi({ description: 'Embedded engine: a catalogue id from GET /v1/styles; replaces the style the prompt names (the prompt\'s edits still apply). A cloud model that takes a style reads it as its own (GET /v1/models lists its values).' }),
  size: sizeField.optional().openapi({ description: 'Output size WxH for providers that take one.' }),
  output_format: oneOf(['png', 'jpeg', 'webp']).optional().openapi({ description: 'Output encoding (embedded engine; default PNG for PNG/alpha inputs, else JPEG).' }),
}).openapi('ImageToImageRequest');

/** Image-to-video body: AOG's fields plus duration, resolution, motion. */
export const imageToVideoBodySchema = z.object({
  ...commonGenerationFields,
  // The shared fields' examples are image edits.
  model: commonGenerationFields.model.openapi({ example: 'wan2.2-i2v-plus' }),
  prompt: commonGenerationFields.prompt.openapi({ example: '镜头缓缓推近，树叶随风摆动' }),
  duration: integerBetween(2, 15).optional().openapi({ description: 'Seconds; each model declares its own range (embedded engine 3–5, default 5).' }),
  resolution: oneOf(['480P', '720P', '1080P']).optional().openapi({ description: 'Output resolution tier (default: the model\'s).' }),
  motion: text(40).optional().openapi({ description: 'Embedded engine: explicit motion id, e.g. zoom-in, pan-left, ken-burns.' }),
}).openapi('ImageToVideoRequest');

export type ImageToImageBody = z.infer<typeof imageToImageBodySchema>;
export type ImageToVideoBody = z.infer<typeof imageToVideoBodySchema>;

/**
 * AOG's own checks, kept with AOG's message texts so users recognise them ("image request param lost", …),
 * run before the schema so they win over generic type errors.
 */
export function checkAogFields(body: Record<string, unknown>): void {
  for (const [field, typeField] of [['image', 'image_type'], ['mask', 'mask_type']] as const) {
    const hasValue = body[field] !== undefined && body[field] !== null && body[field] !== '';
    const hasType = body[typeField] !== undefined && body[typeField] !== null && body[typeField] !== '';
    if (field === 'image' && !hasValue) throw new GatewayError('parameter_missing', { parameter: 'image' });
    if (hasValue && !hasType) throw new GatewayError('parameter_missing', { parameter: typeField });
    if (hasType && !hasValue) throw new GatewayError('parameter_missing', { parameter: field });
    if (hasType && !(inputTypes as readonly unknown[]).includes(body[typeField])) {
      throw new GatewayError('image_type_invalid', { parameter: typeField, received: describeReceived(body[typeField]) });
    }
  }
  const policy = body.hybrid_policy;
  if (policy !== undefined && policy !== '' && !(hybridPolicies as readonly unknown[]).includes(policy)) {
    throw new GatewayError('hybrid_policy_invalid', { received: describeReceived(policy) });
  }
  const provider = body.remote_service_provider;
  if (provider !== undefined && provider !== null && typeof provider === 'object') throw new GatewayError('remote_service_provider_invalid');
}

/** AOG clients send "" for "not set"; treat empty strings of optional selector fields as absent. */
export function dropEmptySelectors(body: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...body };
  for (const field of ['model', 'hybrid_policy', 'remote_service_provider', 'prompt']) if (copy[field] === '' || copy[field] === null) delete copy[field];
  return copy;
}

function reference(value: string, type: InputReference['type']): InputReference {
  return { value, type };
}

function common(service: ServiceName, body: ImageToImageBody | ImageToVideoBody, defaultPolicy: HybridPolicy) {
  return {
    service,
    model: body.model,
    hybridPolicy: body.hybrid_policy ?? defaultPolicy,
    remoteServiceProvider: body.remote_service_provider,
    fallbacks: body.fallbacks,
    image: reference(body.image, body.image_type),
    providerOptions: body.provider_options ?? {},
  };
}

/** @param defaultPolicy the service's stored policy, used when the body names none */
export function imageToImageRequest(body: ImageToImageBody, defaultPolicy: HybridPolicy = 'default'): GenerationRequest {
  return {
    ...common('image-to-image', body, defaultPolicy),
    mask: body.mask !== undefined && body.mask_type !== undefined ? reference(body.mask, body.mask_type) : undefined,
    maskConvention: body.mask_convention ?? 'auto',
    parameters: {
      prompt: body.prompt, negativePrompt: body.negative_prompt, n: body.n ?? 1, strength: body.strength, seed: body.seed,
      style: body.style, size: parseSize(body.size), outputFormat: body.output_format,
    },
  };
}

export function imageToVideoRequest(body: ImageToVideoBody, defaultPolicy: HybridPolicy = 'default'): GenerationRequest {
  return {
    ...common('image-to-video', body, defaultPolicy),
    maskConvention: 'auto',
    parameters: {
      prompt: body.prompt, negativePrompt: body.negative_prompt, n: 1, seed: body.seed,
      duration: body.duration, resolution: body.resolution, motion: body.motion,
    },
  };
}
