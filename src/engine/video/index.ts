import type { EngineVideoJob, EngineVideoResult, MotionDescription } from '../engine-types.ts';
import type { WorkerPool } from '../workers/worker-pool.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { silentLogger, type Logger } from '../../logging/logger.ts';
import type { Warning } from '../../providers/spec/warning.ts';
import { detectFfmpeg } from './encoders/ffmpeg-detection.ts';
import type { EncoderChoice, EncoderName } from './encoders/frame-sink.ts';
import { motionCatalogue } from './motion-catalogue.ts';
import { chooseMotion } from './motion-from-prompt.ts';
import { createRenderControl, framesDone, requestCancel } from './render-control.ts';
import { inputImageErrorName, orientedImageSize } from './source-raster.ts';
import type { VideoKernelInput, VideoKernelOutput } from './video-kernel.ts';
import { createVideoPlan, type VideoPlan } from './video-plan.ts';
import { validateVideoParameters, videoFrameSize } from './video-parameters.ts';

export { motionIds, type MotionId } from './motion-catalogue.ts';

export interface VideoDependencies {
  pool: WorkerPool;
  logger?: Logger;
  /**
   * The ffmpeg to use when it works (runs, has libx264): a path, `undefined` for `ffmpeg` on PATH, or `null` to
   * always use the bundled `h264-mp4-encoder`.
   */
  ffmpegPath?: string | null;
  /** Pixel limit checked from the image header before decoding (default 40 MP). */
  maxInputPixels?: number;
}

/** Default decode limit: a 40 MP photo decodes to 160 MB of RGBA, the most a video job should hold. */
export const defaultMaxInputPixels = 40_000_000;

/** How often progress is read from the worker. */
const progressIntervalMs = 100;

/** Lists the motions with their keywords, for docs and `GET` listings. */
export function listMotions(): MotionDescription[] {
  return motionCatalogue.map((entry) => ({
    id: entry.id,
    description: entry.description,
    keywords: { en: [...entry.keywords.en], zh: [...entry.keywords.zh] },
  }));
}

/**
 * Renders an image-to-video job into an H.264 MP4 (yuv420p, `moov` first): the motion comes from `job.motion` or the
 * prompt, the size from `job.resolution` (shorter side 480/720/1080, aspect kept), 24 fps by default. Frames are
 * rendered and encoded on a worker thread, one at a time; progress (0–100) goes to `job.onProgress`, and
 * `job.signal` stops the render between two frames (the promise then rejects with the signal's reason).
 *
 * Throws `parameter_invalid` for out-of-range parameters or an unknown motion, `input_pixels_exceeded` for an image
 * over the pixel limit, and `engine_failed` when decoding or encoding fails.
 */
export async function renderVideo(job: EngineVideoJob, dependencies: VideoDependencies): Promise<EngineVideoResult> {
  const logger = dependencies.logger ?? silentLogger;
  const maxInputPixels = dependencies.maxInputPixels ?? defaultMaxInputPixels;
  const choice = chooseMotion({ prompt: job.prompt, motion: job.motion });
  const parameters = validateVideoParameters(job);
  throwIfAborted(job.signal);

  // The header's size, not only the declared one: this is the check that runs before any pixel is decoded.
  const imageSize = await orientedImageSize(job.image.bytes).catch((error: unknown) => {
    throw new GatewayError('input_image_corrupt', { parameter: 'image', reason: messageOf(error) }, { cause: error });
  });
  const pixels = imageSize.width * imageSize.height;
  if (pixels > maxInputPixels) {
    throw new GatewayError('input_pixels_exceeded', {
      parameter: 'image', width: imageSize.width, height: imageSize.height, pixels, limit: maxInputPixels,
    });
  }
  const frameSize = videoFrameSize(imageSize.width, imageSize.height, parameters.resolution);
  const plan = createVideoPlan({
    motion: choice.motion, intensity: choice.intensity, seed: parameters.seed,
    width: frameSize.width, height: frameSize.height, frames: parameters.frames, fps: parameters.fps,
  });

  const encoder = await chooseEncoder(dependencies.ffmpegPath, logger);
  logger.info('video encoder', { encoder: encoder.name, motion: plan.motion, width: plan.width, height: plan.height, frames: plan.frames });

  let output: VideoKernelOutput;
  let usedEncoder: EncoderName = encoder.name;
  const progress = progressRelay(job.onProgress);
  try {
    output = await runKernel(dependencies.pool, job, plan, encoder, maxInputPixels, progress);
  } catch (error) {
    if (job.signal?.aborted) throw job.signal.reason ?? error;
    if (encoder.name !== 'ffmpeg' || isInputError(error)) throw engineFailure(error);
    // A system ffmpeg can still fail at run time (a broken install, an odd build); the bundled encoder cannot be
    // missing, so the video is still made.
    logger.warn('ffmpeg failed; encoding again with h264-mp4-encoder', { error: messageOf(error) });
    usedEncoder = 'h264-mp4-encoder';
    try {
      output = await runKernel(dependencies.pool, job, plan, { name: usedEncoder }, maxInputPixels, progress);
    } catch (fallbackError) {
      if (job.signal?.aborted) throw job.signal.reason ?? fallbackError;
      throw engineFailure(fallbackError);
    }
  }
  logger.debug('video rendered', { ...output.timings, bytes: output.bytes.length });
  progress(100);

  const warnings: Warning[] = [
    ...choice.warnings,
    ...output.notes.map((note): Warning => ({ type: 'other', feature: 'motion', details: note })),
  ];
  return {
    output: { bytes: Buffer.from(output.bytes.buffer, output.bytes.byteOffset, output.bytes.byteLength), mediaType: 'video/mp4' },
    width: plan.width,
    height: plan.height,
    frames: plan.frames,
    durationSeconds: plan.frames / plan.fps,
    encoder: usedEncoder,
    warnings,
    applied: choice.applied,
  };
}

/** Forwards progress to `onProgress` only when it grows, so a retry with another encoder never goes backwards. */
function progressRelay(onProgress: ((percent: number) => void) | undefined): (percent: number) => void {
  let reported = -1;
  return (percent) => {
    if (percent > reported) {
      reported = percent;
      onProgress?.(percent);
    }
  };
}

/** Runs the render on the pool, relaying progress and cancellation through shared memory. */
async function runKernel(
  pool: WorkerPool, job: EngineVideoJob, plan: VideoPlan, encoder: EncoderChoice, maxInputPixels: number, progress: (percent: number) => void,
): Promise<VideoKernelOutput> {
  const control = createRenderControl();
  const cancel = () => requestCancel(control);
  job.signal?.addEventListener('abort', cancel, { once: true });
  // Frames are 0–99 %; 100 is reported once the MP4 is complete.
  const report = () => progress(Math.min(99, Math.floor((framesDone(control) / plan.frames) * 99)));
  const timer = setInterval(report, progressIntervalMs);
  try {
    // A private copy of the image: the pool transfers (detaches) its buffer, and the caller's must stay usable.
    const input: VideoKernelInput = { image: new Uint8Array(job.image.bytes), plan, encoder, maxInputPixels, control };
    return await pool.run<VideoKernelOutput>({ module: 'video/video-kernel.ts', exportName: 'renderVideoFrames', input }, job.signal);
  } finally {
    clearInterval(timer);
    job.signal?.removeEventListener('abort', cancel);
  }
}

/** ffmpeg when configured (or on PATH) and working, else the bundled encoder. Detection runs once per path. */
async function chooseEncoder(ffmpegPath: string | null | undefined, logger: Logger): Promise<EncoderChoice> {
  if (ffmpegPath === null) return { name: 'h264-mp4-encoder' };
  const path = ffmpegPath ?? 'ffmpeg';
  const detection = await detectFfmpeg(path);
  if (detection.available) return { name: 'ffmpeg', path };
  // A missing default ffmpeg is normal (npm-only install); one the user named explicitly deserves a warning.
  if (ffmpegPath !== undefined && ffmpegPath !== 'ffmpeg') logger.warn('the configured ffmpeg is not usable; using h264-mp4-encoder', { path, reason: detection.reason });
  return { name: 'h264-mp4-encoder' };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? Object.assign(new Error('aborted'), { name: 'AbortError' });
}

/** True for a worker error raised while decoding the input (it crossed the thread as a name and a message). */
function isInputError(error: unknown): boolean {
  return error instanceof Error && error.name === inputImageErrorName;
}

function engineFailure(error: unknown): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  if (isInputError(error)) return new GatewayError('input_image_corrupt', { parameter: 'image', reason: messageOf(error) }, { cause: error });
  return new GatewayError('engine_failed', { stage: 'video rendering', reason: messageOf(error) }, { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
