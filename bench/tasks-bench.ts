/**
 * `npm run bench:tasks`: 1,000 small embedded-engine tasks over HTTP to a real server child process.
 * Reports submits/s (POST /v1/tasks → 202), completions/s, end-to-end latency (task created → finished, p50/p99)
 * and the server's peak RSS. Baselines in the same run: GET /health at the same client concurrency (the HTTP floor for
 * submits), and the same job on the embedded engine called directly in this process with as many jobs in flight as
 * the server runs (the ceiling for completions).
 *
 * Options (env): BENCH_TASKS (default 1000), BENCH_ROUNDS (default 5), BENCH_CONCURRENCY (default 32).
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createEngine } from '../src/engine/create-engine.ts';
import { spawnServer } from '../test/support/spawn-server.ts';
import { percentile } from './support/statistics.ts';

const tasksPerRound = Number(process.env.BENCH_TASKS ?? 1000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);

interface RoundResult {
  engineOnlyPerSecond: number;
  submitsPerSecond: number;
  completionsPerSecond: number;
  p50Milliseconds: number;
  p99Milliseconds: number;
  healthPerSecond: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs `count` calls of `call` with `concurrency` in flight; resolves with the wall time in ms. */
async function drive(count: number, call: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await call(next++);
  }));
  return performance.now() - started;
}

async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function main(): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'atelier-tasks-bench-'));
  const server = await spawnServer({ args: ['--data-dir', directory], env: { ATELIER_LOG_LEVEL: 'error' } });
  try {
    const image = (await sharp({ create: { width: 64, height: 64, channels: 3, background: '#5a8fd0' } }).png().toBuffer()).toString('base64');
    const body = (index: number) => JSON.stringify({ service: 'image-to-image', image, image_type: 'base64', style: 'brighter', seed: index });

    async function submit(index: number): Promise<string> {
      const response = await fetch(`${server.url}/v1/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(index) });
      const task = (await response.json()) as { id: string };
      if (response.status !== 202 && response.status !== 200) throw new Error(`submit answered ${response.status}: ${JSON.stringify(task)}`);
      return task.id;
    }

    async function unfinished(): Promise<number> {
      let count = 0;
      for (const state of ['queued', 'running']) {
        const page = (await (await fetch(`${server.url}/v1/tasks?state=${state}&limit=100`)).json()) as { data: unknown[] };
        count += page.data.length;
      }
      return count;
    }

    const engine = createEngine({});
    const engineImage = { bytes: Buffer.from(image, 'base64'), mediaType: 'image/png', width: 64, height: 64, hasAlpha: false };
    async function engineOnly(count: number): Promise<number> {
      let next = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: availableParallelism() }, async () => {
        while (next < count) await engine.editImage({ image: engineImage, style: 'brighter', n: 1, seed: next++ });
      }));
      return count / ((performance.now() - started) / 1000);
    }

    async function round(count: number): Promise<RoundResult> {
      const engineOnlyPerSecond = await engineOnly(count);
      const ids: string[] = [];
      const submitMilliseconds = await drive(count, async (index) => {
        ids.push(await submit(index));
      });
      while ((await unfinished()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      const tasks = await Promise.all(ids.map(async (id) => (await (await fetch(`${server.url}/v1/tasks/${id}`)).json()) as { state: string; created_at: string; finished_at: string }));
      const failed = tasks.filter((task) => task.state !== 'succeeded');
      if (failed.length > 0) throw new Error(`${failed.length} tasks did not succeed: ${JSON.stringify(failed[0])}`);
      const created = tasks.map((task) => Date.parse(task.created_at));
      const finished = tasks.map((task) => Date.parse(task.finished_at));
      const latencies = tasks.map((_, index) => finished[index] - created[index]).sort((left, right) => left - right);
      const healthMilliseconds = await drive(count, async () => {
        await (await fetch(`${server.url}/health`)).arrayBuffer();
      });
      return {
        engineOnlyPerSecond,
        submitsPerSecond: count / (submitMilliseconds / 1000),
        completionsPerSecond: count / ((Math.max(...finished) - Math.min(...created)) / 1000),
        p50Milliseconds: percentile(latencies, 0.5),
        p99Milliseconds: percentile(latencies, 0.99),
        healthPerSecond: count / (healthMilliseconds / 1000),
      };
    }

    await round(Math.min(100, tasksPerRound)); // warm-up: JIT, worker threads, SQLite pages
    const results: RoundResult[] = [];
    for (let index = 0; index < rounds; index++) {
      const result = await round(tasksPerRound);
      results.push(result);
      console.error(`round ${index + 1}: ${result.submitsPerSecond.toFixed(0)} submits/s, ${result.completionsPerSecond.toFixed(0)} completions/s, p50 ${result.p50Milliseconds} ms, p99 ${result.p99Milliseconds} ms, health ${result.healthPerSecond.toFixed(0)}/s, engine alone ${result.engineOnlyPerSecond.toFixed(0)}/s`);
    }
    const rss = await peakRss(server.child.pid!);
    const summary = {
      tasksPerRound, rounds, concurrency, cores: availableParallelism(), node: process.version,
      submitsPerSecond: median(results.map((result) => result.submitsPerSecond)),
      completionsPerSecond: median(results.map((result) => result.completionsPerSecond)),
      p50Milliseconds: median(results.map((result) => result.p50Milliseconds)),
      p99Milliseconds: median(results.map((result) => result.p99Milliseconds)),
      healthPerSecond: median(results.map((result) => result.healthPerSecond)),
      engineOnlyPerSecond: median(results.map((result) => result.engineOnlyPerSecond)),
      peakRssMegabytes: rss / 1024 / 1024,
    };
    console.log(JSON.stringify(summary, null, 2));
    console.log(`submits/s vs GET /health/s: ${(summary.submitsPerSecond / summary.healthPerSecond).toFixed(2)}; completions/s vs engine alone: ${(summary.completionsPerSecond / summary.engineOnlyPerSecond).toFixed(2)}; target ≥ 300 submits/s: ${summary.submitsPerSecond >= 300 ? 'met' : 'NOT met'}`);
    await engine.close();
  } finally {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

await main();
