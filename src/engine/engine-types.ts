import type { Logger } from '../logging/logger.ts';
import type { GenerationOutput, ImageInput, MaskInput, OutputFormat, VideoResolution } from '../providers/spec/generation-call.ts';
import type { Warning } from '../providers/spec/warning.ts';

/**
 * The embedded engine's public contract, independent of HTTP: an input image and a request (prompt and/or explicit
 * style, strength, seed, optional mask) → output image(s); an input image and a motion request → an MP4.
 */
export interface EngineImageJob {
  image: ImageInput;
  /** Canonical mask (white = edit), already the image's size. */
  mask?: MaskInput;
  prompt?: string;
  /** Catalogue id; replaces the style the prompt names, while the prompt's edits still apply. */
  style?: string;
  /** (0, 1], default 1: blend between the original (→0) and the full effect (1). */
  strength?: number;
  /** Seed of the first output; output i uses seed + i. Default: random, reported back. */
  seed?: number;
  /** 1–4 variations. */
  n: number;
  /** Default: PNG when the input has alpha or is PNG, else JPEG. */
  outputFormat?: OutputFormat;
  signal?: AbortSignal;
  onProgress?(percent: number): void;
}

export interface EngineImageOutput extends GenerationOutput {
  width: number;
  height: number;
  /** The seed that reproduces this output. */
  seed: number;
}

export interface EngineImageResult {
  outputs: EngineImageOutput[];
  warnings: Warning[];
  /** What the engine understood, e.g. `["watercolor", "brighter"]`, for logs and responses. */
  applied: string[];
}

export interface EngineVideoJob {
  image: ImageInput;
  prompt?: string;
  /** Explicit motion id (e.g. `zoom-in`); wins over the prompt. */
  motion?: string;
  /** Seconds, 3–5 (default 5). */
  duration?: number;
  resolution?: VideoResolution;
  fps?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?(percent: number): void;
}

export interface EngineVideoResult {
  output: GenerationOutput;
  width: number;
  height: number;
  frames: number;
  durationSeconds: number;
  /** Which encoder produced it (`ffmpeg` or `h264-mp4-encoder`). */
  encoder: string;
  warnings: Warning[];
  applied: string[];
}

/** One catalogue entry as listed by `GET /v1/styles`. */
export interface StyleDescription {
  id: string;
  kind: 'style' | 'edit';
  name: string;
  description: string;
  examplePrompts: { en: string[]; zh: string[] };
  keywords: { en: string[]; zh: string[] };
}

/** One motion as listed by the video docs. */
export interface MotionDescription {
  id: string;
  description: string;
  keywords: { en: string[]; zh: string[] };
}

export interface Engine {
  editImage(job: EngineImageJob): Promise<EngineImageResult>;
  imageToVideo(job: EngineVideoJob): Promise<EngineVideoResult>;
  styles(): StyleDescription[];
  motions(): MotionDescription[];
  /** Stops the worker pool; in-flight jobs finish first. */
  close(): Promise<void>;
}

export interface EngineOptions {
  /** Worker threads for JS kernels; default: available cores. */
  workers?: number;
  /** libvips threads per sharp pipeline (`sharp.concurrency`); default: available cores. */
  sharpConcurrency?: number;
  /** Pixel limit for every decode. */
  maxInputPixels?: number;
  /** Nice levels the kernel threads run below the event loop, 0–19 (default 10; Linux only, see `WorkerPool`). */
  workerNiceness?: number;
  /** Where the engine logs (the video encoder choice, for one); default: silent. */
  logger?: Logger;
  /**
   * The ffmpeg used for video when it works (runs, has libx264): a path or command name; `undefined` for `ffmpeg`
   * on PATH; `null` to always use the bundled `h264-mp4-encoder`.
   */
  ffmpegPath?: string | null;
}
