/**
 * Image-to-video benchmark (issue 4, item 6): a 5 s 720p clip from a 1024² photo through `renderVideo` (decode,
 * frames, H.264, faststart: what a caller waits for), for each available encoder, median of N runs after a warm-up
 * run. Also, in the same process: the cost of one Ken Burns frame with our sub-pixel JS sampler against the
 * sharp extract + resize approach of the engine notes (§7.1), and the other motions with the default encoder.
 *
 *   npm run bench:video [-- --runs 5] [-- --motions ken-burns,sway] [-- --no-motions]
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import sharp from 'sharp';
import { detectFfmpeg } from '../src/engine/video/encoders/ffmpeg-detection.ts';
import { createRaster, sampleView } from '../src/engine/video/frame-sampler.ts';
import { motionPath } from '../src/engine/video/camera-paths.ts';
import { viewTransform } from '../src/engine/video/frame-renderer.ts';
import { motionIds, renderVideo, type MotionId } from '../src/engine/video/index.ts';
import { createVideoPlan } from '../src/engine/video/video-plan.ts';
import { WorkerPool } from '../src/engine/workers/worker-pool.ts';
import type { Logger } from '../src/logging/logger.ts';
import type { ImageInput } from '../src/providers/spec/generation-call.ts';
import { median } from './support/statistics.ts';

/** Keeps the worker's timing breakdown (logged at debug level as "video rendered") of the most recent render. */
const breakdown = { prepareMs: 0, renderMs: 0, encodeMs: 0, finishMs: 0 };
const timingLogger: Logger = {
  debug: (message, fields) => {
    if (message === 'video rendered' && fields) Object.assign(breakdown, fields);
  },
  info: () => {},
  warn: (message, fields) => console.warn(message, fields),
  error: (message, fields) => console.error(message, fields),
};
const breakdownText = (frames: number) =>
  `${breakdown.prepareMs.toFixed(0)} ms + ${(breakdown.renderMs / frames).toFixed(1)} / ${(breakdown.encodeMs / frames).toFixed(1)} ms per frame`;

const targetSeconds = 4;
const fixturePhoto = new URL('../../shared/fixtures/images/coffee.png', import.meta.url);

interface Options {
  runs: number;
  motions: MotionId[];
}

function parseOptions(argumentsList: string[]): Options {
  const options: Options = { runs: 5, motions: [...motionIds] };
  for (let index = 0; index < argumentsList.length; index++) {
    const name = argumentsList[index];
    const value = argumentsList[index + 1] ?? '';
    if (name === '--runs') { options.runs = Number(value); index++; }
    else if (name === '--motions') {
      const requested = value.split(',');
      const unknown = requested.filter((motion) => !(motionIds as readonly string[]).includes(motion));
      if (unknown.length > 0) throw new Error(`--motions must name motions among ${motionIds.join(', ')}, got ${unknown.join(', ')}`);
      options.motions = requested as MotionId[];
      index++;
    } else if (name === '--no-motions') options.motions = [];
    else throw new Error(`unknown option ${name}`);
  }
  if (!Number.isInteger(options.runs) || options.runs < 3) throw new Error(`--runs must be an integer ≥ 3, got ${options.runs}`);
  return options;
}

/** The coffee fixture photo resized to 1024², or (in a fresh clone) a synthetic photo-like image. */
async function makeInput(): Promise<{ image: ImageInput; source: string }> {
  let bytes: Buffer;
  let source: string;
  if (existsSync(fixturePhoto)) {
    bytes = await sharp(fixturePhoto.pathname).resize(1024, 1024, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
    source = 'coffee.png fixture resized to 1024², JPEG q90';
  } else {
    const noise = Buffer.alloc(1024 * 1024 * 3);
    for (let index = 0; index < noise.length; index++) noise[index] = (index * 2654435761) >>> 24;
    bytes = await sharp(noise, { raw: { width: 1024, height: 1024, channels: 3 } }).blur(2).modulate({ saturation: 1.5 }).jpeg({ quality: 90 }).toBuffer();
    source = 'synthetic blurred noise 1024², JPEG q90 (fixture absent)';
  }
  return { image: { bytes, mediaType: 'image/jpeg', width: 1024, height: 1024, hasAlpha: false }, source };
}

async function timeRuns<T>(runs: number, action: () => Promise<T>): Promise<{ medianMs: number; timesMs: number[]; last: T }> {
  let last = await action(); // warm-up: loads sharp and compiles the WASM encoder in the worker
  const timesMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    last = await action();
    timesMs.push(performance.now() - started);
  }
  return { medianMs: median(timesMs), timesMs, last };
}

/** Per-frame cost of Ken Burns frames: our JS sampler against sharp extract + resize (integer crops). */
async function frameRenderingBaseline(runs: number): Promise<{ samplerMs: number; sharpMs: number }> {
  const plan = createVideoPlan({ motion: 'ken-burns', intensity: 'normal', seed: 0, width: 720, height: 720, frames: 120, fps: 24 });
  const source = createRaster(plan.sourceWidth, plan.sourceHeight);
  for (let index = 0; index < source.data.length; index++) source.data[index] = (index * 2654435761) >>> 24;
  const path = motionPath('ken-burns', 'normal', 0);
  const frame = createRaster(720, 720);
  const sourceImage = { width: plan.sourceWidth, height: plan.sourceHeight };
  const sampler = await timeRuns(runs, async () => {
    for (let index = 0; index < plan.frames; index++) sampleView(source, viewTransform(path.camera(index / (plan.frames - 1)), sourceImage, 720, 720), frame);
  });
  const sharpFrames = await timeRuns(runs, async () => {
    for (let index = 0; index < plan.frames; index++) {
      const view = viewTransform(path.camera(index / (plan.frames - 1)), sourceImage, 720, 720);
      const region = {
        left: Math.round(view.left), top: Math.round(view.top),
        width: Math.round(view.scaleX * 720), height: Math.round(view.scaleY * 720),
      };
      await sharp(source.data, { raw: { width: source.width, height: source.height, channels: 4 } }).extract(region).resize(720, 720).raw().toBuffer();
    }
  });
  return { samplerMs: sampler.medianMs / plan.frames, sharpMs: sharpFrames.medianMs / plan.frames };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const cores = os.availableParallelism();
  sharp.concurrency(cores); // as createEngine does
  const pool = new WorkerPool(cores);
  const { image, source } = await makeInput();
  const ffmpeg = await detectFfmpeg();
  const lines: string[] = [];
  const print = (line = '') => {
    console.log(line);
    lines.push(line);
  };

  print(`# bench:video — ${new Date().toISOString().slice(0, 10)}`);
  print();
  print(`Machine: ${cores} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, sharp/libvips ${sharp.versions.vips} with ${sharp.concurrency()} threads, worker pool of ${cores}.`);
  print(`Input: ${source}. Output: 5 s, 720P (720×720), 24 fps = 120 frames. Median of ${options.runs} runs after one warm-up run.`);
  print(`System ffmpeg: ${ffmpeg.available ? ffmpeg.version : `not used (${ffmpeg.reason})`}.`);
  // Other work on the machine inflates every figure; the load average says how quiet the run was.
  print(`Load average at start (1/5/15 min): ${os.loadavg().map((load) => load.toFixed(2)).join(' / ')}.`);
  print();
  print('## Ken Burns (default motion), end to end through renderVideo');
  print();
  print('Breakdown (last run, worker side): decode and preparation + per-frame rendering / encoding.');
  print();
  print('| Encoder | Wall time (median) | vs. 4 s target | Frames/s | File size | Breakdown | Runs (ms) |');
  print('|---|---|---|---|---|---|---|');
  const encoders: Array<{ label: string; ffmpegPath: string | null | undefined }> = [{ label: 'h264-mp4-encoder (default)', ffmpegPath: null }];
  if (ffmpeg.available) encoders.push({ label: 'ffmpeg libx264', ffmpegPath: undefined });
  for (const encoder of encoders) {
    const result = await timeRuns(options.runs, () =>
      renderVideo({ image, duration: 5, resolution: '720P' }, { pool, ffmpegPath: encoder.ffmpegPath, logger: timingLogger }),
    );
    print(
      `| ${encoder.label} | ${(result.medianMs / 1000).toFixed(2)} s | ${(result.medianMs / (targetSeconds * 1000)).toFixed(2)}× | ` +
        `${(result.last.frames / (result.medianMs / 1000)).toFixed(0)} | ${(result.last.output.bytes.length / 1024).toFixed(0)} KiB | ` +
        `${breakdownText(result.last.frames)} | ${result.timesMs.map((time) => time.toFixed(0)).join(', ')} |`,
    );
  }

  print();
  print('## Frame rendering alone (main thread, 720×720 Ken Burns frames, no encoding)');
  print();
  const baseline = await frameRenderingBaseline(options.runs);
  print('| Renderer | ms per frame | Ratio |');
  print('|---|---|---|');
  print(`| sub-pixel JS sampler (ours) | ${baseline.samplerMs.toFixed(2)} | 1.00× |`);
  print(`| sharp extract + resize, integer crop (engine notes §7.1) | ${baseline.sharpMs.toFixed(2)} | ${(baseline.sharpMs / baseline.samplerMs).toFixed(2)}× |`);

  if (options.motions.length > 0) {
    print();
    print('## Every motion, default encoder (h264-mp4-encoder), end to end');
    print();
    print('| Motion | Wall time (median) | vs. 4 s target | Frames/s | File size | Breakdown |');
    print('|---|---|---|---|---|---|');
    for (const motion of options.motions) {
      const result = await timeRuns(options.runs, () =>
        renderVideo({ image, motion, duration: 5, resolution: '720P' }, { pool, ffmpegPath: null, logger: timingLogger }),
      );
      print(
        `| ${motion} | ${(result.medianMs / 1000).toFixed(2)} s | ${(result.medianMs / (targetSeconds * 1000)).toFixed(2)}× | ` +
          `${(result.last.frames / (result.medianMs / 1000)).toFixed(0)} | ${(result.last.output.bytes.length / 1024).toFixed(0)} KiB | ` +
          `${breakdownText(result.last.frames)} |`,
      );
    }
  }
  print();
  print(`Load average at end (1/5/15 min): ${os.loadavg().map((load) => load.toFixed(2)).join(' / ')}.`);
  await pool.close();
}

await main();
