import { adaptInputOptionSpec } from '../shared/adapt-input-option.ts';
import { findModel } from '../shared/find-model.ts';
import type { InputLimits, ModelCapabilities, ParameterSpec, ProviderCapabilities } from '../spec/capabilities.ts';

/**
 * OpenAI `POST /v1/images/edits` declared as data: models, parameters and ranges, input limits, mask convention and
 * options. The same adapter serves OpenAI-compatible local servers (stable-diffusion.cpp `sd-server`, LocalAI) when
 * `OPENAI_BASE_URL` points at them; on a loopback base URL no key is needed. Nothing here runs.
 * Source: `specs/openai-images.md` (sections cited inline), `specs/local-servers.md` §3.1.
 */

/** How a model family differs on the wire (spec §2). */
export type OpenAiModelFamily = 'gpt-image' | 'dall-e-2';

export interface OpenAiModelCapabilities extends ModelCapabilities {
  family: OpenAiModelFamily;
  /** Output sizes accepted as `size` (besides `auto` in the options, GPT image models only). */
  sizes: readonly string[];
  /** gpt-image-2 also takes any WxH with sides divisible by 16, aspect 1:3–3:1, within 3840×2160. */
  freeformSizes: boolean;
  /** Whether `background: transparent` is accepted (gpt-image-2 refuses it). */
  transparentBackground: boolean;
  /** Whether `input_fidelity` is accepted (not gpt-image-1-mini, not dall-e-2). */
  inputFidelity: boolean;
  /** Most input images per call (parts named `image[]`). */
  maxImages: number;
  providerOptions: Readonly<Record<string, ParameterSpec>>;
}

const megabytes = 1024 * 1024;
const gptSizes = ['1024x1024', '1536x1024', '1024x1536'] as const;
const dallE2Sizes = ['256x256', '512x512', '1024x1024'] as const;

const gptInput: InputLimits = { formats: ['png', 'jpeg', 'webp'], maxBytes: 50 * megabytes - 1, alpha: 'allowed' };
/** dall-e-2: exactly one square PNG under 4 MB (spec §2). */
const dallE2Input: InputLimits = { formats: ['png'], maxBytes: 4 * megabytes - 1, alpha: 'allowed' };

const gptOptions: Record<string, ParameterSpec> = {
  quality: { type: 'enum', values: ['low', 'medium', 'high', 'auto'], description: 'Rendering quality (default auto).' },
  background: { type: 'enum', values: ['transparent', 'opaque', 'auto'], description: 'transparent needs png or webp output (default auto).' },
  output_compression: { type: 'integer', minimum: 0, maximum: 100, description: 'jpeg/webp compression, 100 = best (default 100).' },
  input_fidelity: { type: 'enum', values: ['high', 'low'], description: 'How closely the input is kept, the nearest knob to strength (default low).' },
  size: { type: 'enum', values: ['auto'], description: '"auto" lets the model choose the size (the unified size takes explicit WxH).' },
  user: { type: 'string', maxLength: 256, description: 'End-user id for OpenAI abuse monitoring.' },
  extra_images: { type: 'string', description: 'Array of up to 15 more input images (bare base64 or data: URIs, png/jpeg/webp); all are sent as image[] parts.' },
  adapt_input: adaptInputOptionSpec,
};

const gptParameters: Record<string, ParameterSpec> = {
  prompt: { type: 'string', maxLength: 32_000, description: 'Required: the edit to make.' },
  n: { type: 'integer', minimum: 1, maximum: 4, description: 'Number of images, made in one call.' },
  size: { type: 'enum', values: gptSizes, description: 'Output size (default auto).' },
  output_format: { type: 'enum', values: ['png', 'jpeg', 'webp'], description: 'Sent as output_format (default png).' },
};

function gptModel(id: string, description: string, overrides: Partial<OpenAiModelCapabilities> = {}): OpenAiModelCapabilities {
  return {
    id,
    service: 'image-to-image',
    description,
    parameters: gptParameters,
    input: gptInput,
    maskConvention: 'alpha',
    callModel: 'sync',
    maxOutputsPerCall: 10,
    family: 'gpt-image',
    sizes: gptSizes,
    freeformSizes: false,
    transparentBackground: true,
    inputFidelity: true,
    maxImages: 16,
    providerOptions: gptOptions,
    ...overrides,
  };
}

/** Every OpenAI image-edit model Atelier routes to; the first is the default. */
export const openAiModels: readonly OpenAiModelCapabilities[] = [
  gptModel('gpt-image-1.5', 'OpenAI GPT Image 1.5 edits: instruction edits and mask inpainting (transparent = edit), up to 16 input images.'),
  gptModel('gpt-image-2', 'OpenAI GPT Image 2 edits: any size with sides divisible by 16 (aspect 1:3–3:1, up to 3840×2160); no transparent background.', {
    freeformSizes: true, transparentBackground: false,
    parameters: {
      ...gptParameters,
      size: { type: 'string', description: 'WxH with both sides divisible by 16, aspect between 1:3 and 3:1, within 3840×2160 (default auto).' },
    },
    providerOptions: { ...gptOptions, background: { type: 'enum', values: ['opaque', 'auto'], description: 'gpt-image-2 refuses transparent (default auto).' } },
  }),
  gptModel('gpt-image-1', 'OpenAI GPT Image 1 edits: instruction edits and mask inpainting (transparent = edit).'),
  gptModel('gpt-image-1-mini', 'OpenAI GPT Image 1 mini edits: cheaper, no input_fidelity.', {
    inputFidelity: false,
    providerOptions: Object.fromEntries(Object.entries(gptOptions).filter(([name]) => name !== 'input_fidelity')),
  }),
  {
    id: 'dall-e-2',
    service: 'image-to-image',
    description: 'OpenAI DALL·E 2 edits: one square PNG under 4 MB; without a mask, the image\'s own transparent pixels are edited.',
    parameters: {
      prompt: { type: 'string', maxLength: 1000, description: 'Required: the full desired image.' },
      n: { type: 'integer', minimum: 1, maximum: 4, description: 'Number of images, made in one call.' },
      size: { type: 'enum', values: dallE2Sizes, description: 'Output size (default 1024x1024).' },
      output_format: { type: 'enum', values: ['png', 'jpeg', 'webp'], description: 'DALL·E 2 returns PNG; Atelier re-encodes when another format is asked for.' },
    },
    input: dallE2Input,
    maskConvention: 'alpha',
    callModel: 'sync',
    maxOutputsPerCall: 10,
    // URL results live 60 minutes; Atelier asks for b64_json by default and downloads URLs at once.
    resultUrlLifetimeSeconds: 60 * 60,
    family: 'dall-e-2',
    sizes: dallE2Sizes,
    freeformSizes: false,
    transparentBackground: false,
    inputFidelity: false,
    maxImages: 1,
    providerOptions: {
      response_format: { type: 'enum', values: ['b64_json', 'url'], description: 'How DALL·E 2 returns images (Atelier default b64_json; URLs are downloaded at once).' },
      user: { type: 'string', maxLength: 256, description: 'End-user id for OpenAI abuse monitoring.' },
      adapt_input: adaptInputOptionSpec,
    },
  },
];

/** OpenAI (and OpenAI-compatible servers) as the registry lists it. */
export const openAiCapabilities: ProviderCapabilities = {
  id: 'openai',
  aliases: ['remote_openai_image-to-image', 'openai-compatible'],
  displayName: 'OpenAI Images (or an OpenAI-compatible server at OPENAI_BASE_URL; no key needed on a loopback address)',
  kind: 'cloud',
  // Image rate limits are per organisation and tier (unpublished, spec §4): a modest cap, configurable.
  defaultConcurrency: 2,
  environment: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_ORG_ID', 'OPENAI_PROJECT_ID'],
  models: openAiModels,
};

/** Looks up an OpenAI model by id. */
export function findOpenAiModel(modelId: string): OpenAiModelCapabilities | undefined {
  return findModel(openAiModels, modelId);
}
