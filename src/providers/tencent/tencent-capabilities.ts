import { adaptInputOptionSpec } from '../shared/adapt-input-option.ts';
import type { InputLimits, ModelCapabilities, ParameterSpec, ProviderCapabilities } from '../spec/capabilities.ts';

/**
 * Tencent Cloud aiart `ImageToImage` (API version 2022-12-29) declared as data: the model, its parameters and
 * ranges, input limits, options and the style table. Routing, `GET /v1/models`, the option schema and the adapter
 * read this file; nothing here runs. Source: `specs/tencent-aiart.md` (sections cited inline).
 */

/** ImageToImage style ids and names (spec §3, product doc 1668/86250). `201` is Tencent's default. */
export const tencentStyles: Readonly<Record<string, string>> = {
  '104': 'Watercolor (水彩画)',
  '107': 'Cartoon illustration (卡通插画)',
  '116': '3D cartoon (3D 卡通)',
  '201': 'Japanese anime (日系动漫)',
  '203': 'Traditional (唯美古风)',
  '210': '2.5D anime (2.5D 动画)',
  '120': 'Woodcarving (木雕)',
  '121': 'Clay (黏土)',
  '123': 'Fresh anime (清新日漫)',
  '124': 'Comic (小人书插画)',
  '125': 'Fine brushwork (国风工笔)',
  '126': 'Jade (玉石)',
  '127': 'Porcelain (瓷器)',
  '135': 'Felt, Asian (毛毡亚洲版)',
  '128': 'Felt, Western (毛毡欧美版)',
  '129': 'Retro (美式复古)',
  '130': 'Steampunk (蒸汽朋克)',
  '131': 'Cyberpunk (赛博朋克)',
  '132': 'Sketch (素描)',
  '133': 'Monet garden (莫奈花园)',
  '134': 'Impasto painting (厚涂手绘)',
};

/**
 * Atelier's unified style names (the embedded engine's catalogue ids) that have a Tencent counterpart (spec §3
 * proposal). Styles without one (pixel art, night, brighter) are refused for Tencent rather than replaced.
 */
export const unifiedStyleToTencent: Readonly<Record<string, string>> = {
  watercolor: '104',
  cartoon: '107',
  '3d-cartoon': '116',
  anime: '201',
  sketch: '132',
  'oil-painting': '134',
};

/** `ResultConfig.Resolution` values; `origin` keeps the input's size (long side ≤ 2000). */
export const tencentResolutions = ['origin', '768:768', '768:1024', '1024:768'] as const;
export type TencentResolution = (typeof tencentResolutions)[number];

/** Unified `size` values that map exactly onto a Tencent resolution (anything else is refused, not rounded). */
export const sizeToTencentResolution: Readonly<Record<string, TencentResolution>> = {
  '768x768': '768:768',
  '768x1024': '768:1024',
  '1024x768': '1024:768',
};

/**
 * Input limits. Tencent documents sides "> 50 and < 5000 px" but answers `ImageResolutionExceed` above
 * 2000×2000, and documents 8 MB of base64 while its error text says 10 MB (spec §7): Atelier keeps to the stricter
 * figures until a live test settles them.
 */
export const tencentInputLimits: InputLimits = {
  formats: ['jpeg', 'png', 'bmp', 'tiff', 'webp'],
  // "< 8 MB after base64 encoding" (spec §3), counted in base64 characters (the model sets `base64Budget`). MB is
  // taken as 1024 × 1024 bytes, as before; Tencent does not say which it means. `maxBytes` is the most accepted, so
  // the strict "<" is one less; base64 comes in 4-character quanta, so the longest InputImage sent is 8 MiB − 4.
  maxBytes: 8 * 1024 * 1024 - 1,
  minSide: 51,
  maxSide: 2000,
  alpha: 'allowed',
};

/** Longest `Prompt` / `NegativePrompt`, in characters (spec §3). */
export const tencentPromptMaxLength = 256;

/** Largest signed POST body Tencent accepts (spec §1). */
export const tencentMaxRequestBytes = 10 * 1024 * 1024;

/** A Tencent model: the shared shape plus the options under `provider_options.tencent`. */
export interface TencentModelCapabilities extends ModelCapabilities {
  /** API action and version sent in `X-TC-Action` / `X-TC-Version`. */
  action: string;
  version: string;
  /** Options under `provider_options.tencent`, validated by `tencent-options.ts` (listed here for docs). */
  providerOptions: Readonly<Record<string, ParameterSpec>>;
}

const styleIds = Object.keys(tencentStyles);

/** The one Tencent model Atelier routes to. */
export const tencentImageToImage: TencentModelCapabilities = {
  id: 'aiart-image-to-image',
  service: 'image-to-image',
  aliases: ['tencent-aiart', 'ImageToImage'],
  description: 'Tencent Cloud aiart ImageToImage (大模型图像创作引擎): restyles a photo in one of 21 styles, with an optional prompt; no mask.',
  parameters: {
    prompt: { type: 'string', maxLength: tencentPromptMaxLength, description: 'What the result should contain; Chinese recommended.' },
    negative_prompt: { type: 'string', maxLength: tencentPromptMaxLength, description: 'What to avoid; English recommended.' },
    n: { type: 'integer', minimum: 1, maximum: 4, description: 'Number of images; Tencent makes one per call, so n calls are made (3 at a time).' },
    strength: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, description: 'Tencent Strength: smaller stays closer to the original (recommended 0.6–0.8; omitted = model default).' },
    style: { type: 'enum', values: [...styleIds, ...Object.keys(unifiedStyleToTencent)], description: 'A Tencent style id (default 201, Japanese anime) or an Atelier style with a Tencent counterpart.' },
    size: { type: 'enum', values: Object.keys(sizeToTencentResolution), description: 'Output size; omitted = the input size (long side ≤ 2000).' },
    output_format: { type: 'enum', values: ['png', 'jpeg', 'webp'], description: 'Tencent chooses its format; Atelier re-encodes the result when another is asked for.' },
  },
  input: tencentInputLimits,
  maskConvention: 'none',
  callModel: 'sync',
  maxOutputsPerCall: 1,
  // Base64 results need no download; `RspImgType: "url"` links last one hour and are downloaded at once.
  resultUrlLifetimeSeconds: 60 * 60,
  action: 'ImageToImage',
  version: '2022-12-29',
  providerOptions: {
    Styles: { type: 'enum', values: styleIds, description: 'Array with exactly one style id, e.g. ["104"]; wins over style (sending both is refused).' },
    'ResultConfig.Resolution': { type: 'enum', values: tencentResolutions, description: 'Output resolution; wins over size (sending both is refused).' },
    LogoAdd: { type: 'integer', minimum: 0, maximum: 1, description: '1 (Tencent default) adds the "Generated by AI" mark; 0 none.' },
    'LogoParam.LogoUrl': { type: 'string', maxLength: 2048, description: 'Custom logo image URL (http or https); excludes LogoImage.' },
    'LogoParam.LogoImage': { type: 'string', description: 'Custom logo as raw base64; excludes LogoUrl.' },
    'LogoParam.LogoRect': { type: 'string', description: 'Object {X, Y, Width, Height}: logo position and size in output pixels (integers ≥ 0).' },
    RspImgType: { type: 'enum', values: ['base64', 'url'], description: 'How Tencent returns the result (default base64; url links are downloaded at once).' },
    EnhanceImage: { type: 'integer', minimum: 0, maximum: 1, description: '1 turns on clarity enhancement (slower); 0 off (default).' },
    RestoreFace: { type: 'integer', minimum: 0, maximum: 6, description: 'Maximum number of small faces to refine (default 0).' },
    InputUrl: { type: 'string', maxLength: 2048, description: 'Public http(s) URL Tencent downloads the input from instead of receiving InputImage (the URL wins at Tencent; Atelier then sends only the URL).' },
    adapt_input: adaptInputOptionSpec,
  },
};

/** Tencent Cloud aiart as the registry lists it. */
export const tencentCapabilities: ProviderCapabilities = {
  id: 'tencent',
  aliases: ['remote_tencent_image-to-image', 'tencentcloud'],
  displayName: 'Tencent Cloud aiart',
  kind: 'cloud',
  // Tencent runs 3 jobs at once per account by default; a 4th answers RequestLimitExceeded.JobNumExceed (spec §1).
  defaultConcurrency: 3,
  environment: ['TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY', 'TENCENTCLOUD_SESSION_TOKEN', 'TENCENTCLOUD_REGION', 'TENCENTCLOUD_AIART_ENDPOINT'],
  models: [tencentImageToImage],
};
