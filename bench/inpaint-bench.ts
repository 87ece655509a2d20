import os from 'node:os';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { runMaskedEdit } from '../src/engine/inpaint/index.ts';
import type { RawImage } from '../src/engine/raw-image.ts';
import { WorkerPool } from '../src/engine/workers/worker-pool.ts';
import { median } from './support/statistics.ts';

/**
 * Inpainting benchmark (issue 3, item 8): object removal at 1024² with holes of 64², 200×150 and 400×300 (PatchMatch),
 * plus a thin-stroke mask (Telea) and a recolour for scale. Raw image in → raw image out, which is the inpainting
 * module's own cost (decode/encode are timed by the engine benchmark). Median of `runs` after one warm-up run.
 *
 * Run: `node --import tsx bench/inpaint-bench.ts [runs]`.
 */

interface Case {
  name: string;
  prompt: string;
  mask: Uint8Array;
}

const side = 1024;

/** A photo-like test image: smooth gradients, a tiled texture and per-pixel noise, from a fixed seed. */
export function makeBenchmarkImage(width = side, height = side): RawImage {
  const data = new Uint8Array(width * height * 3);
  let state = 0x2545f491;
  const noise = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 4294967296 - 0.5) * 24;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const index = (y * width + x) * 3;
      const texture = 30 * Math.sin(x / 7) * Math.sin(y / 9) + (((x >> 4) + (y >> 4)) % 2) * 18;
      data[index] = clampByte(60 + (x / width) * 120 + texture + noise());
      data[index + 1] = clampByte(110 + (y / height) * 80 + texture + noise());
      data[index + 2] = clampByte(150 - (x / width) * 60 + texture * 0.5 + noise());
    }
  }
  return { data, width, height, channels: 3 };
}

function clampByte(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
}

function rectangleMask(width: number, height: number, holeWidth: number, holeHeight: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const left = (width - holeWidth) >> 1;
  const top = (height - holeHeight) >> 1;
  for (let y = top; y < top + holeHeight; y++) mask.fill(255, y * width + left, y * width + left + holeWidth);
  return mask;
}

/** Twenty wavy strokes 8 px wide across the image (scratches, wires, text): the Telea case. */
function scribbleMask(width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let stroke = 0; stroke < 20; stroke++) {
    const baseline = ((stroke + 0.5) / 20) * height;
    for (let x = 32; x < width - 32; x++) {
      const centre = Math.round(baseline + 12 * Math.sin(x / 40 + stroke));
      for (let y = centre - 4; y < centre + 4; y++) if (y >= 0 && y < height) mask[y * width + x] = 255;
    }
  }
  return mask;
}

/**
 * Times every case and returns a markdown table (used by `npm run bench:engine`).
 * @param runs timed runs per case after one warm-up (at least 5)
 */
export async function runInpaintBenchmark(runs = 5): Promise<string> {
  if (!Number.isInteger(runs) || runs < 5) throw new RangeError(`runs must be an integer of at least 5, got ${runs}`);
  const image = makeBenchmarkImage();
  const cases: Case[] = [
    { name: 'remove, hole 64×64 (PatchMatch)', prompt: 'remove', mask: rectangleMask(side, side, 64, 64) },
    { name: 'remove, hole 200×150 (PatchMatch)', prompt: 'remove', mask: rectangleMask(side, side, 200, 150) },
    { name: 'remove, hole 400×300 (PatchMatch)', prompt: 'remove', mask: rectangleMask(side, side, 400, 300) },
    { name: 'remove, 20 strokes 8 px wide (Telea)', prompt: 'remove', mask: scribbleMask(side, side) },
    { name: 'recolour 400×300 ("make it red")', prompt: 'make it red', mask: rectangleMask(side, side, 400, 300) },
  ];
  const workers = os.availableParallelism();
  const pool = new WorkerPool(workers);
  // The pool's workers are unref'd; keep the process alive while jobs are in flight.
  const keepAlive = setInterval(() => undefined, 1000);
  const rows: string[] = [];
  try {
    for (const benchmarkCase of cases) {
      const timings: number[] = [];
      const cpuTimings: number[] = [];
      let applied: string[] = [];
      for (let run = 0; run <= runs; run++) {
        const start = performance.now();
        const cpuStart = process.cpuUsage();
        const result = await runMaskedEdit({ image, mask: benchmarkCase.mask, prompt: benchmarkCase.prompt, seed: 42, pool });
        const elapsed = performance.now() - start;
        // Process-wide CPU time (all threads): unlike wall time, it barely moves when other processes share the cores.
        const cpu = process.cpuUsage(cpuStart);
        applied = result.applied;
        if (run > 0) {
          timings.push(elapsed);
          cpuTimings.push((cpu.user + cpu.system) / 1000);
        }
      }
      rows.push(`| ${benchmarkCase.name} | ${applied.join(', ')} | ${median(timings).toFixed(0)} | ${Math.min(...timings).toFixed(0)} | ${Math.max(...timings).toFixed(0)} | ${median(cpuTimings).toFixed(0)} |`);
    }
  } finally {
    clearInterval(keepAlive);
    await pool.close();
  }
  const header = [
    `Inpainting at ${side}×${side}, raw → raw, ${workers} worker threads, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, sharp ${sharp.versions.sharp ?? ''}; median of ${runs} runs after 1 warm-up; 1-minute load average at the end ${os.loadavg()[0].toFixed(1)}.`,
    '',
    '| Case | Applied | Median ms | Min ms | Max ms | Median CPU ms (all threads) |',
    '|---|---|---:|---:|---:|---:|',
  ];
  return [...header, ...rows].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = process.argv[2] ? Number(process.argv[2]) : 5;
  console.log(await runInpaintBenchmark(runs));
}
