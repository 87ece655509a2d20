import { createFfmpegFrameSink } from './encoders/ffmpeg-sink.ts';
import type { EncoderChoice, FrameSink } from './encoders/frame-sink.ts';
import { createWasmFrameSink } from './encoders/h264-wasm-sink.ts';
import { createRaster } from './frame-sampler.ts';
import { prepareFrameRenderer } from './frame-renderer.ts';
import { canceledError, isCancelRequested, reportFramesDone, type RenderControl } from './render-control.ts';
import { decodeSourceRaster } from './source-raster.ts';
import type { VideoPlan } from './video-plan.ts';

export interface VideoKernelInput {
  /** The encoded input image. */
  image: Uint8Array;
  plan: VideoPlan;
  encoder: EncoderChoice;
  maxInputPixels: number;
  control: RenderControl;
}

export interface VideoKernelOutput {
  /** The MP4, `moov` before `mdat`. */
  bytes: Uint8Array;
  notes: string[];
  /** Where the time went, for logs and the benchmark. */
  timings: { prepareMs: number; renderMs: number; encodeMs: number; finishMs: number };
}

/**
 * Worker-pool kernel (`video/video-kernel.ts` → `renderVideoFrames`): decodes the image, renders each frame and
 * streams it into the encoder, so at most one frame exists at a time. Runs entirely on a worker thread because the
 * WASM encoder is synchronous CPU work; checks the cancel flag between frames.
 */
export async function renderVideoFrames(input: VideoKernelInput): Promise<VideoKernelOutput> {
  const { plan, control } = input;
  const started = performance.now();
  const source = await decodeSourceRaster(input.image, { width: plan.sourceWidth, height: plan.sourceHeight }, input.maxInputPixels);
  const { render, notes } = prepareFrameRenderer(plan, source);
  const frame = createRaster(plan.width, plan.height);
  const options = { width: plan.width, height: plan.height, fps: plan.fps };
  const sink: FrameSink =
    input.encoder.name === 'ffmpeg' ? await createFfmpegFrameSink(input.encoder.path, options) : await createWasmFrameSink(options);
  const timings = { prepareMs: performance.now() - started, renderMs: 0, encodeMs: 0, finishMs: 0 };
  try {
    for (let index = 0; index < plan.frames; index++) {
      if (isCancelRequested(control)) throw canceledError();
      const renderStarted = performance.now();
      render(index, frame);
      const encodeStarted = performance.now();
      await sink.write(frame.data);
      timings.renderMs += encodeStarted - renderStarted;
      timings.encodeMs += performance.now() - encodeStarted;
      reportFramesDone(control, index + 1);
    }
    const finishStarted = performance.now();
    const bytes = await sink.finish();
    timings.finishMs = performance.now() - finishStarted;
    return { bytes, notes, timings };
  } catch (error) {
    await sink.abort();
    throw error;
  }
}
