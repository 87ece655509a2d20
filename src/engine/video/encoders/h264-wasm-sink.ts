import { createRequire } from 'node:module';
import { threadId } from 'node:worker_threads';
import type { H264MP4Encoder } from 'h264-mp4-encoder';
import { moveMoovToFront } from '../mp4/faststart.ts';
import type { FrameSink, FrameSinkOptions } from './frame-sink.ts';

/**
 * Encoder settings, measured on a 2-core machine at 720×720 (see bench/results/video.md): speed 10 is the
 * fastest preset of the bundled minih264; quantiser 24 keeps photos clean at a few Mbit/s; a key frame every
 * second keeps seeking responsive.
 */
export const wasmEncoderSettings = { speed: 10, quantizationParameter: 24, keyFrameIntervalSeconds: 1 } as const;

let nextOutput = 1;
// A CommonJS bundle whose export ESM loaders disagree on (plain Node: `default` only; tsx: the named export), so it
// is loaded with require, which gives the same object everywhere.
const require = createRequire(import.meta.url);

/**
 * H.264 (Baseline) in MP4 with `h264-mp4-encoder`: minih264 and libmp4v2 compiled to WebAssembly, so it needs
 * nothing but npm. The module is loaded on first use (it compiles ~1 MB of WASM), and writes into Emscripten's
 * in-memory file system, shared by all encoders of the thread, hence a unique file name per clip.
 */
export async function createWasmFrameSink(options: FrameSinkOptions): Promise<FrameSink> {
  const encoderModule = require('h264-mp4-encoder') as typeof import('h264-mp4-encoder');
  const encoder: H264MP4Encoder = await encoderModule.createH264MP4Encoder();
  encoder.outputFilename = `atelier-${process.pid}-${threadId}-${nextOutput++}.mp4`;
  encoder.width = options.width;
  encoder.height = options.height;
  encoder.frameRate = options.fps;
  encoder.speed = wasmEncoderSettings.speed;
  encoder.quantizationParameter = wasmEncoderSettings.quantizationParameter;
  encoder.groupOfPictures = Math.round(options.fps * wasmEncoderSettings.keyFrameIntervalSeconds);
  encoder.initialize();
  let finalized = false;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    // Without finalize first, delete() throws (the WASM module's abort, after an assertion printed on stderr), which
    // would replace the error that stopped the clip; finalize frees the native state, and the clip is then discarded.
    if (!finalized) encoder.finalize();
    try {
      encoder.FS.unlink(encoder.outputFilename);
    } catch {
      // No output file was written: nothing to delete.
    }
    encoder.delete();
  };
  return {
    async write(frame) {
      encoder.addFrameRgba(frame);
    },
    async finish() {
      encoder.finalize();
      finalized = true;
      const written = encoder.FS.readFile(encoder.outputFilename);
      release();
      return moveMoovToFront(written);
    },
    async abort() {
      try {
        release();
      } catch {
        // The clip is being discarded and the caller is reporting why: an encoder that cannot even be torn down (a
        // finalize that failed in `finish`, say) must not replace that reason.
      }
    },
  };
}
