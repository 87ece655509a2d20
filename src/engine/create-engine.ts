import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import type { Engine, EngineOptions } from './engine-types.ts';
import { defaultMaxInputPixels } from './decode-image.ts';
import { editImage } from './edit-image.ts';
import { listStyles } from './prompt/list-styles.ts';
import { listMotions, renderVideo } from './video/index.ts';
import { WorkerPool } from './workers/worker-pool.ts';

/**
 * Kernel threads run 10 nice levels below the event loop (Linux), so that when every core is busy rendering the
 * event loop wins the CPU and `/health` and new requests are answered first. Measured on 2 cores with 4 images in
 * flight (bench/results/health.md): health p99 17–21 → 13–16 ms, max 28–43 → 22–31 ms, same images/s. Nice only
 * matters while threads compete for a core, so an idle machine renders exactly as fast.
 */
const defaultWorkerNiceness = 10;

/** libvips' operation cache: small, because a gateway sees a stream of distinct images and never re-reads one. */
const sharpCache = { memory: 48, files: 0, items: 64 } as const;

/**
 * Creates the embedded engine: one worker pool for the JS kernels plus process-wide sharp settings.
 *
 * `sharp.concurrency` is set on purpose: on glibc without jemalloc sharp defaults to 1 libvips thread, which leaves
 * half of a 2-core machine idle inside every blur, resize and encode (the engine notes measured about 2× wall time).
 * We use one thread per core: libvips work and worker-pool kernels alternate within a job, so they rarely compete,
 * and the cost is some extra memory fragmentation. Note that it is a process-wide libvips setting.
 *
 * @param options.workers worker threads for kernels (default: available cores, at least 1)
 * @param options.sharpConcurrency libvips threads per pipeline (default: available cores)
 * @param options.maxInputPixels decode limit for every image and mask (default 40 MP)
 * @param options.workerNiceness how many nice levels below the event loop kernels run, 0–19 (default 10; Linux)
 * @param options.logger where the video encoder choice is logged (default: silent)
 * @param options.ffmpegPath video encoder: an ffmpeg path, `undefined` for `ffmpeg` on PATH, `null` for the bundled one
 * @throws RangeError when a count is not a positive integer (or `workerNiceness` not 0–19)
 * @example const engine = createEngine(); const { outputs } = await engine.editImage({ image, prompt: '改为油画风格', n: 1 });
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const cores = availableParallelism();
  const workers = options.workers ?? cores;
  const sharpConcurrency = options.sharpConcurrency ?? cores;
  const maxInputPixels = options.maxInputPixels ?? defaultMaxInputPixels;
  for (const [name, value] of Object.entries({ workers, sharpConcurrency, maxInputPixels })) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`engine option ${name} must be a positive integer, got ${value}`);
  }
  sharp.concurrency(sharpConcurrency);
  sharp.cache(sharpCache);
  const pool = new WorkerPool(workers, { niceness: options.workerNiceness ?? defaultWorkerNiceness });
  return {
    editImage: (job) => editImage(job, { pool, maxInputPixels }),
    imageToVideo: (job) => renderVideo(job, { pool, maxInputPixels, logger: options.logger, ffmpegPath: options.ffmpegPath }),
    styles: () => listStyles(),
    motions: () => listMotions(),
    close: () => pool.close(),
  };
}
