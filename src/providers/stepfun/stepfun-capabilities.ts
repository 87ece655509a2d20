import { adaptInputOptionSpec } from '../shared/adapt-input-option.ts';
import type { InputLimits, ModelCapabilities, ParameterSpec, ProviderCapabilities } from '../spec/capabilities.ts';

/**
 * StepFun `POST /v1/images/image2image` declared as data: models, parameters and ranges, input limits, options and
 * the retirement dates. Nothing here runs. Source: `specs/stepfun.md` (sections cited inline).
 */

/**
 * StepFun's announcement "图像模型下线公告": `/v1/images/*` (image2image included) stop serving on this date, in
 * China and overseas (spec, retirement notice).
 */
export const stepfunEndpointRetirement = {
  date: '2026-10-10',
  announcement: 'StepFun announcement "图像模型下线公告", https://platform.stepfun.com/docs',
} as const;

/** Output sizes image2image accepts, for both models (spec §2). */
export const stepfunSizes = ['256x256', '512x512', '768x768', '1024x1024', '1280x800', '800x1280'] as const;

/** Per-model defaults and ranges of the options under `provider_options.stepfun` (spec §2). */
export interface StepFunModelCapabilities extends ModelCapabilities {
  /** Default `steps` and `cfg_scale` (documentation only: StepFun applies them when omitted). */
  defaults: { steps: number; cfgScale: number };
  providerOptions: Readonly<Record<string, ParameterSpec>>;
}

/** png or jpeg only, ≤ 10 MB, at most 2048×2048 (spec §2 `source_url`). */
export const stepfunInputLimits: InputLimits = {
  formats: ['png', 'jpeg'],
  maxBytes: 10 * 1024 * 1024,
  maxSide: 2048,
  alpha: 'allowed',
};

/** Longest prompt, in characters. */
export const stepfunPromptMaxLength = 1024;

function stepfunModel(id: string, description: string, retiredOn: string, defaults: { steps: number; cfgScale: number }): StepFunModelCapabilities {
  return {
    id,
    service: 'image-to-image',
    description,
    parameters: {
      prompt: { type: 'string', maxLength: stepfunPromptMaxLength, description: 'Required: what to change, e.g. "换成宫崎骏风格".' },
      n: { type: 'integer', minimum: 1, maximum: 4, description: 'StepFun makes one image per request, so n requests are made one after another (output i uses seed + i when a seed is given).' },
      strength: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, description: 'Sent as source_weight: smaller stays closer to the source (default 0.5).' },
      seed: { type: 'integer', minimum: 0, maximum: 2147483647, description: 'Seed; StepFun treats 0 as "random".' },
      size: { type: 'enum', values: stepfunSizes, description: 'Output size (default 1024x1024).' },
      output_format: { type: 'enum', values: ['png', 'jpeg', 'webp'], description: 'StepFun chooses its format; Atelier re-encodes the result when another is asked for.' },
    },
    input: stepfunInputLimits,
    maskConvention: 'none',
    callModel: 'sync',
    maxOutputsPerCall: 1,
    // Result URLs live 30 days ("当前为 30 天"); Atelier asks for b64_json by default and downloads URLs at once.
    resultUrlLifetimeSeconds: 30 * 24 * 60 * 60,
    retiredOn,
    defaults,
    providerOptions: {
      source_weight: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, description: 'Closeness to the source (smaller = closer); the same knob as strength (sending both is refused).' },
      steps: { type: 'integer', minimum: 1, maximum: 100, description: `Sampling steps (default ${defaults.steps}).` },
      cfg_scale: { type: 'number', minimum: 1, maximum: 10, description: `Prompt adherence (default ${defaults.cfgScale}).` },
      response_format: { type: 'enum', values: ['b64_json', 'url'], description: 'How StepFun returns the image (Atelier default b64_json; url results are downloaded at once).' },
      adapt_input: adaptInputOptionSpec,
    },
  };
}

/** The StepFun models Atelier knows; `STEPFUN_MODELS` chooses which are enabled (default: the first). */
export const stepfunModels: readonly StepFunModelCapabilities[] = [
  stepfunModel('step-2x-large', 'StepFun step-2x-large image-to-image (billed ¥0.1 per image). StepFun retired its image endpoints on 2026-10-10.', stepfunEndpointRetirement.date, { steps: 50, cfgScale: 6 }),
  stepfunModel('step-1x-medium', 'StepFun step-1x-medium image-to-image, retired by StepFun on 2026-07-08 (replacement: step-2x-large).', '2026-07-08', { steps: 50, cfgScale: 7.5 }),
];

/** StepFun as the registry lists it. */
export const stepfunCapabilities: ProviderCapabilities = {
  id: 'stepfun',
  aliases: ['remote_stepfun_image-to-image', 'step'],
  displayName: 'StepFun',
  kind: 'cloud',
  // StepFun publishes no image rate limits (spec §4): a cautious 2 in flight until a live test says otherwise.
  defaultConcurrency: 2,
  environment: ['STEPFUN_API_KEY', 'STEPFUN_BASE_URL', 'STEPFUN_MODELS', 'STEPFUN_IGNORE_RETIREMENT'],
  models: stepfunModels,
};
