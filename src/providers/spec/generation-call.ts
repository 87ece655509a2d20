/**
 * The unified request every provider (cloud adapters and the embedded engine) receives, after the input module has
 * loaded and checked the images. Provider-specific knobs arrive in `providerOptions` (only this provider's).
 */
export type ServiceName = 'image-to-image' | 'image-to-video';

/** An image already fetched, sniffed and size-checked by the input module. */
export interface ImageInput {
  bytes: Buffer;
  /** From magic bytes, e.g. `image/png`. */
  mediaType: string;
  width: number;
  height: number;
  hasAlpha: boolean;
}

/**
 * A mask in Atelier's canonical form: a single-channel 8-bit PNG of the image's size, white (255) = edit,
 * black (0) = keep. Adapters convert to their provider's convention.
 */
export interface MaskInput {
  bytes: Buffer;
  width: number;
  height: number;
}

export type OutputFormat = 'png' | 'jpeg' | 'webp';
export type VideoResolution = '480P' | '720P' | '1080P';

export interface GenerationCall {
  service: ServiceName;
  /** The provider's canonical model id (aliases already resolved). */
  modelId: string;
  image: ImageInput;
  mask?: MaskInput;
  prompt?: string;
  negativePrompt?: string;
  /** Number of outputs, 1–4 for image-to-image; always 1 for video. */
  n: number;
  /** (0, 1]: how far the result moves from the original; larger = more change. */
  strength?: number;
  seed?: number;
  /** Embedded-engine catalogue id (e.g. `oil-painting`) or a provider style id. */
  style?: string;
  size?: { width: number; height: number };
  outputFormat?: OutputFormat;
  /** Video: seconds. */
  duration?: number;
  resolution?: VideoResolution;
  /** Video (embedded engine): explicit motion, e.g. `zoom-in`. */
  motion?: string;
  /** Options for this provider only, validated by its own schema. */
  providerOptions: Record<string, unknown>;
}

/** One produced file, held in memory until the caller stores it. */
export interface GenerationOutput {
  bytes: Buffer;
  mediaType: string;
  /** The seed that reproduces this output when sent back with `n` = 1, for providers that report one. */
  seed?: number;
}
