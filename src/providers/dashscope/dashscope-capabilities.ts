import { adaptInputOptionSpec } from '../shared/adapt-input-option.ts';
import { findModel } from '../shared/find-model.ts';
import type { InputLimits, ModelCapabilities, ParameterSpec, ProviderCapabilities } from '../spec/capabilities.ts';

/**
 * Alibaba Cloud DashScope (Tongyi Wanxiang) declared as data: models, their parameters and ranges, input limits,
 * mask convention, call model and limits. Routing, `GET /v1/models`, the option schema and the adapters all read
 * this file; nothing here runs. Source: `specs/dashscope.md` §4 (sections cited per model).
 */

/** How one DashScope model is called; the adapters branch on `family`, never on the model id. */
export type DashScopeModelFamily = 'image-edit' | 'x-painting' | 'style-repaint' | 'image-to-video';

/** How input images reach the model: inline `data:` URIs, or DashScope's temporary upload (`oss://`, spec §3.4). */
export type DashScopeInputTransport = 'data-uri' | 'temporary-upload';

/** A DashScope model: the shared capability shape plus what the adapter needs to call it. */
export interface DashScopeModelCapabilities extends ModelCapabilities {
  family: DashScopeModelFamily;
  /** Submission path under the base URL (the async header is always sent). */
  submitPath: string;
  /** Default transport for inputs; `provider_options.aliyun.input_transport` may switch to the upload. */
  inputTransport: DashScopeInputTransport;
  /** Whether the model takes inline `data:` URIs at all (wanx-x-painting does not: URLs only). */
  acceptsDataUri: boolean;
  /** Documented submission rate per account (tasks per second). */
  submitsPerSecond: number;
  /** Tasks DashScope runs at once for this model per account; more answer 429 Throttling.RateQuota. */
  concurrentTasks: number;
  /** Suggested poll cadence (spec §3.2): `initialMs` until `initialPhaseMs` has passed, then `laterMs`. */
  pollCadence: { initialMs: number; initialPhaseMs: number; laterMs: number };
  /** Options under `provider_options.aliyun` for this model (validated by `dashscope-options.ts`). */
  providerOptions: Readonly<Record<string, ParameterSpec>>;
  /** Video models: the resolutions accepted and the default one. */
  video?: { resolutions: readonly ('480P' | '720P' | '1080P')[]; defaultResolution: '480P' | '720P' | '1080P'; durations: readonly number[]; defaultDuration: number };
  /** Style repaint: the documented style indices. */
  styleIndices?: readonly number[];
}

/** The ten `function` values of wanx2.1-imageedit (spec §4.1). */
export const imageEditFunctions = [
  'stylization_all',
  'stylization_local',
  'description_edit',
  'description_edit_with_mask',
  'remove_watermark',
  'expand',
  'super_resolution',
  'colorization',
  'doodle',
  'control_cartoon_feature',
] as const;
export type ImageEditFunction = (typeof imageEditFunctions)[number];

/** The styles wanx-x-painting knows, as sent upstream (spec §4.2). */
export const xPaintingStyles = [
  '<auto>', '<3d cartoon>', '<anime>', '<oil painting>', '<watercolor>', '<sketch>', '<chinese painting>', '<flat illustration>',
] as const;

/** Output sizes of wanx-x-painting, in DashScope's `W*H` spelling. */
export const xPaintingSizes = ['1024*1024', '720*1280', '1280*720'] as const;

/** Style indices of wanx-style-repaint-v1 (spec §4.3; -1 = use `style_ref_url`). */
export const styleRepaintIndices = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 15, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40] as const;

const megabytes10 = 10 * 1024 * 1024;
const resultUrlLifetimeSeconds = 24 * 60 * 60;
const seedSpec: ParameterSpec = { type: 'integer', minimum: 0, maximum: 2147483647, description: 'Random seed; same seed and inputs give similar results.' };
const watermarkSpec: ParameterSpec = { type: 'boolean', description: 'Adds an "AI生成" mark at the bottom right (default false).' };
const imagePollCadence = { initialMs: 3_000, initialPhaseMs: 30_000, laterMs: 10_000 };
const videoPollCadence = { initialMs: 15_000, initialPhaseMs: 0, laterMs: 15_000 };

const imageEditInput: InputLimits = {
  formats: ['jpeg', 'png', 'bmp', 'tiff', 'webp'], maxBytes: megabytes10, minSide: 512, maxSide: 4096, alpha: 'allowed',
};
const videoInput: InputLimits = {
  formats: ['jpeg', 'png', 'bmp', 'webp'], maxBytes: megabytes10, minSide: 360, maxSide: 2000, alpha: 'flattened',
};

const wanxImageEdit: DashScopeModelCapabilities = {
  id: 'wanx2.1-imageedit',
  service: 'image-to-image',
  // AOG clients send `wanx2.1-i2i-turbo`, which is not a DashScope model (spec §4.5): accepted, never sent upstream.
  aliases: ['wanx2.1-i2i-turbo'],
  description: 'Tongyi Wanxiang 2.1 general image editing: instruction edits, mask inpainting, style transfer, outpainting, super-resolution, colourisation, sketch-to-image (Beijing region).',
  parameters: {
    prompt: { type: 'string', maxLength: 800, description: 'Instruction in Chinese or English; may be empty for mask removals.' },
    n: { type: 'integer', minimum: 1, maximum: 4, description: 'Number of images (default 1).' },
    seed: seedSpec,
    strength: { type: 'number', minimum: 0, maximum: 1, description: 'How far the result moves from the original (default 0.5); used by description_edit and stylization_all.' },
  },
  input: imageEditInput,
  maskConvention: 'white',
  callModel: 'async',
  maxOutputsPerCall: 4,
  resultUrlLifetimeSeconds,
  family: 'image-edit',
  submitPath: '/services/aigc/image2image/image-synthesis',
  inputTransport: 'data-uri',
  acceptsDataUri: true,
  submitsPerSecond: 2,
  concurrentTasks: 2,
  pollCadence: imagePollCadence,
  providerOptions: {
    function: { type: 'enum', values: imageEditFunctions, description: 'Editing function; default description_edit, or description_edit_with_mask when a mask is given.' },
    watermark: watermarkSpec,
    top_scale: { type: 'number', minimum: 1, maximum: 2, description: 'expand: ratio to extend upwards (default 1).' },
    bottom_scale: { type: 'number', minimum: 1, maximum: 2, description: 'expand: ratio to extend downwards (default 1).' },
    left_scale: { type: 'number', minimum: 1, maximum: 2, description: 'expand: ratio to extend to the left (default 1).' },
    right_scale: { type: 'number', minimum: 1, maximum: 2, description: 'expand: ratio to extend to the right (default 1).' },
    upscale_factor: { type: 'integer', minimum: 1, maximum: 4, description: 'super_resolution: factor (1 = sharpen only).' },
    is_sketch: { type: 'boolean', description: 'doodle: true when the input already is a sketch (default false).' },
    input_transport: { type: 'enum', values: ['data-uri', 'temporary-upload'], description: 'How inputs are sent (default data-uri).' },
    adapt_input: adaptInputOptionSpec,
  },
};

const wanxXPainting: DashScopeModelCapabilities = {
  id: 'wanx-x-painting',
  service: 'image-to-image',
  description: 'Legacy Tongyi Wanxiang local repaint inside a mask (free trial quota only; URL inputs, sent through DashScope temporary upload).',
  parameters: {
    prompt: { type: 'string', maxLength: 75, description: 'What to paint inside the mask.' },
    n: { type: 'integer', minimum: 1, maximum: 4, description: 'Number of images (default 1).' },
    size: { type: 'enum', values: ['1024x1024', '720x1280', '1280x720'], description: 'Output size (default 1024x1024).' },
    style: { type: 'enum', values: xPaintingStyles.map((style) => style.slice(1, -1)), description: 'Painting style (default auto); hyphens may stand for the spaces (oil-painting).' },
  },
  input: { formats: ['jpeg', 'png', 'bmp', 'tiff', 'webp'], maxBytes: megabytes10, minSide: 257, maxSide: 4095, alpha: 'allowed' },
  maskConvention: 'white',
  callModel: 'async',
  maxOutputsPerCall: 4,
  resultUrlLifetimeSeconds,
  family: 'x-painting',
  submitPath: '/services/aigc/image2image/image-synthesis',
  inputTransport: 'temporary-upload',
  acceptsDataUri: false,
  submitsPerSecond: 2,
  concurrentTasks: 1,
  pollCadence: imagePollCadence,
  providerOptions: {
    mask_color: { type: 'string', description: 'List of RGB triples whose pixels are the edit area. Atelier sends the mask as white = edit, black = keep, so the list must hold [255,255,255] and not [0,0,0] (default: white = edit).' },
    input_transport: { type: 'enum', values: ['temporary-upload'], description: 'How inputs are sent: wanx-x-painting takes URLs only, so always the temporary upload.' },
    adapt_input: adaptInputOptionSpec,
  },
};

const wanxStyleRepaint: DashScopeModelCapabilities = {
  id: 'wanx-style-repaint-v1',
  service: 'image-to-image',
  description: 'Portrait style repaint: redraws a photo with a clear face in one of 23 preset styles (output short side 1536 px).',
  parameters: {
    style: { type: 'enum', values: styleRepaintIndices.filter((index) => index >= 0).map(String), description: 'Style index (see the DashScope style table); -1 with provider_options.aliyun.style_ref_url for a custom style.' },
  },
  // Spec §4.3: 256×256 to 5760×3240 px, long:short side ≤ 2:1.
  input: { formats: ['jpeg', 'png', 'bmp', 'webp'], maxBytes: megabytes10, minSide: 256, maxSide: 5760, maxShortSide: 3240, maxAspectRatio: 2, alpha: 'allowed' },
  maskConvention: 'none',
  callModel: 'async',
  maxOutputsPerCall: 1,
  resultUrlLifetimeSeconds,
  family: 'style-repaint',
  submitPath: '/services/aigc/image-generation/generation',
  inputTransport: 'data-uri',
  acceptsDataUri: true,
  submitsPerSecond: 2,
  concurrentTasks: 1,
  pollCadence: imagePollCadence,
  providerOptions: {
    style_index: { type: 'integer', minimum: -1, maximum: 40, description: 'Style index (one of the documented values); wins over style.' },
    style_ref_url: { type: 'string', maxLength: 14_000_000, description: 'With style_index -1 (and only then, where it is required): the style reference image, a public http(s) URL or a data:image/…;base64, URI within the input limits.' },
    input_transport: { type: 'enum', values: ['data-uri', 'temporary-upload'], description: 'How the input is sent (default data-uri).' },
    adapt_input: adaptInputOptionSpec,
  },
  styleIndices: styleRepaintIndices,
};

function videoModel(
  id: string,
  description: string,
  video: NonNullable<DashScopeModelCapabilities['video']>,
): DashScopeModelCapabilities {
  const durations = video.durations;
  return {
    id,
    service: 'image-to-video',
    description,
    parameters: {
      prompt: { type: 'string', maxLength: 800, description: 'What should happen in the clip.' },
      negative_prompt: { type: 'string', maxLength: 500, description: 'What to avoid.' },
      seed: seedSpec,
      resolution: { type: 'enum', values: video.resolutions, description: `Output resolution (default ${video.defaultResolution}).` },
      duration: { type: 'integer', minimum: Math.min(...durations), maximum: Math.max(...durations), description: `Seconds, one of ${durations.join(', ')} (default ${video.defaultDuration}).` },
    },
    input: videoInput,
    maskConvention: 'none',
    callModel: 'async',
    maxOutputsPerCall: 1,
    resultUrlLifetimeSeconds,
    family: 'image-to-video',
    submitPath: '/services/aigc/video-generation/video-synthesis',
    inputTransport: 'data-uri',
    acceptsDataUri: true,
    // wan2.2 limits are unverified (spec §4.4): the wanx2.1 figures are assumed and stay configurable.
    submitsPerSecond: 2,
    concurrentTasks: 2,
    pollCadence: videoPollCadence,
    providerOptions: {
      prompt_extend: { type: 'boolean', description: 'Let DashScope rewrite the prompt (default true).' },
      watermark: watermarkSpec,
      template: { type: 'string', maxLength: 64, description: 'Video-effect template, e.g. "flying" (model dependent).' },
      input_transport: { type: 'enum', values: ['data-uri', 'temporary-upload'], description: 'How the first frame is sent (default data-uri).' },
      adapt_input: adaptInputOptionSpec,
    },
    video,
  };
}

/** Every DashScope model Atelier routes to. */
export const dashscopeModels: readonly DashScopeModelCapabilities[] = [
  wanxImageEdit,
  wanxXPainting,
  wanxStyleRepaint,
  videoModel('wan2.2-i2v-plus', 'Wan 2.2 image-to-video (plus): 5 s silent clip at 480P or 1080P from a first frame.', {
    resolutions: ['480P', '1080P'], defaultResolution: '1080P', durations: [5], defaultDuration: 5,
  }),
  videoModel('wan2.2-i2v-flash', 'Wan 2.2 image-to-video (flash): faster 5 s clip at 480P, 720P or 1080P.', {
    resolutions: ['480P', '720P', '1080P'], defaultResolution: '720P', durations: [5], defaultDuration: 5,
  }),
  videoModel('wanx2.1-i2v-turbo', 'Wanxiang 2.1 image-to-video (turbo): 3–5 s clip at 480P or 720P.', {
    resolutions: ['480P', '720P'], defaultResolution: '720P', durations: [3, 4, 5], defaultDuration: 5,
  }),
  videoModel('wanx2.1-i2v-plus', 'Wanxiang 2.1 image-to-video (plus): 5 s clip at 720P.', {
    resolutions: ['720P'], defaultResolution: '720P', durations: [5], defaultDuration: 5,
  }),
];

/** The DashScope provider as the registry lists it. */
export const dashscopeCapabilities: ProviderCapabilities = {
  id: 'aliyun',
  aliases: ['dashscope', 'remote_aliyun_image-to-image', 'remote_aliyun_image-to-video'],
  // readDashScopeSettings reads `providers.aliyun`, else `providers.dashscope`.
  settingsAliases: ['dashscope'],
  displayName: 'Alibaba Cloud DashScope (Tongyi Wanxiang)',
  kind: 'cloud',
  // DashScope runs 2 tasks at once per model and account (1 for the legacy models); more only queue upstream.
  defaultConcurrency: 2,
  environment: ['DASHSCOPE_API_KEY', 'DASHSCOPE_BASE_URL'],
  models: dashscopeModels,
};

/** Looks up a model by canonical id or alias; undefined when DashScope has no such model. */
export function findDashScopeModel(modelId: string): DashScopeModelCapabilities | undefined {
  return findModel(dashscopeModels, modelId);
}
