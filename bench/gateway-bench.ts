/**
 * `npm run bench:gateway`: what Atelier adds to a DashScope image edit. The AOG call
 * (`POST /aog/v0.2/services/image-to-image`, the image as bare base64, model wanx2.1-imageedit) goes through a real
 * Atelier child process to the fake DashScope; the baseline does the same job straight against the fake — submit
 * the equivalent body (a data: URI), poll the task, download the result. Both paths end with the result's bytes in
 * the client (the AOG path downloads it from Atelier's URL). 1 MB and 8 MB noise JPEGs, 1 and 8 requests in flight,
 * the two paths alternating batch by batch in the same run. Every request carries a distinct image (a JPEG comment
 * with a counter), so Atelier's content-addressed store really writes each input.
 *
 * Reported per cell: p50/p99 of each path, the added p50/p99, req/s of each path, the fake's result download, and
 * the server's peak RSS (VmHWM, reset per cell) above its idle RSS (read after one request with a tiny image, so
 * that first-request set-up is not counted as payload), divided by payload × requests in flight, and CPU time per
 * request: this process's (client and fake) in each path, and the server's. With 8 in flight both paths are bound by
 * CPU on 2 cores, so those columns say how much of the added latency is the server's work competing for the cores.
 * Each cell gets a fresh server, so one cell's garbage does not inflate the next one's baseline.
 *
 * The fake runs in this process (no network); its tasks succeed at the first poll. Atelier's poll interval is capped
 * at 1 ms and the DashScope rate limits are lifted (`DASHSCOPE_SUBMITS_PER_SECOND`, `…_TASK_QUERIES_PER_SECOND`):
 * they are waits DashScope imposes, not work Atelier does. Options (env): BENCH_REQUESTS (per cell and path, default
 * 48), BENCH_WARMUP (requests per path before measuring, default 8), BENCH_SIZES (comma-separated MB, default `1,8`),
 * BENCH_IN_FLIGHT (comma-separated, default `1,8`) — the last two for quick same-session before/after comparisons —
 * and BENCH_SERVER_ENV, a JSON object of extra environment variables for the server only (for experiments such as
 * `{"NODE_OPTIONS":"--max-semi-space-size=1"}` or glibc's `MALLOC_*` settings, which must not reach the bench process).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { startDashScopeFake, type DashScopeFake } from '../test/fakes/dashscope-fake-server.ts';
import { spawnServer, type SpawnedServer } from '../test/support/spawn-server.ts';
import { cpuMillisecondsOf, direct, distinctJpeg, memoryOf } from './support/dashscope-direct-path.ts';
import { noiseJpeg } from './support/noise-jpeg.ts';
import { percentile } from './support/statistics.ts';

const requestsPerCell = Number(process.env.BENCH_REQUESTS ?? 48);
const warmupRequests = Number(process.env.BENCH_WARMUP ?? 8);
const sizes = (process.env.BENCH_SIZES ?? '1,8').split(',').map(Number);
const inFlightCounts = (process.env.BENCH_IN_FLIGHT ?? '1,8').split(',').map(Number);
const model = 'wanx2.1-imageedit';
const serverEnvironmentOverrides = JSON.parse(process.env.BENCH_SERVER_ENV ?? '{}') as Record<string, string>;

/** Through Atelier: the AOG call, then the result from the URL Atelier answers with. */
async function throughAtelier(server: SpawnedServer, body: Uint8Array<ArrayBuffer>): Promise<void> {
  const response = await fetch(`${server.url}/aog/v0.2/services/image-to-image`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const answer = (await response.json()) as { data?: { url?: string[] } };
  if (response.status !== 200 || !answer.data?.url?.[0]) throw new Error(`Atelier answered ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  await (await fetch(answer.data.url[0])).arrayBuffer();
}

interface Cell {
  label: string;
  payloadBytes: number;
  inFlight: number;
  direct: number[];
  atelier: number[];
  directSeconds: number;
  atelierSeconds: number;
  downloads: number[];
  idleRss: number;
  peakRss: number;
  /** CPU ms this process (client and fake) spent in each path's measured batches. */
  benchCpu: { direct: number; atelier: number };
  /** CPU ms the Atelier server spent during its measured batches. */
  serverCpu: number;
}

/** 64×48 JPEG for the request that warms the server up before its idle footprint is read. */
const tinyJpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 140, b: 200 } } }).jpeg().toBuffer();

async function measureCell(fake: DashScopeFake, image: { bytes: Buffer }, label: string, inFlight: number, directory: string): Promise<Cell> {
  const server = await spawnServer({
    args: ['--data-dir', join(directory, `${label}-${inFlight}`.replace(/\W/g, '-'))],
    env: {
      ATELIER_LOG_LEVEL: 'error',
      DASHSCOPE_API_KEY: fake.apiKey,
      DASHSCOPE_BASE_URL: fake.baseUrl,
      DASHSCOPE_SUBMITS_PER_SECOND: '10000',
      DASHSCOPE_TASK_QUERIES_PER_SECOND: '10000',
      ATELIER_CONCURRENCY: `aliyun=${inFlight}`,
      ATELIER_MAX_POLL_INTERVAL_MS: '1',
      ...serverEnvironmentOverrides,
    },
  });
  const pid = server.child.pid!;
  let counter = 0;
  const bodies = (count: number) => Array.from({ length: count }, () => {
    const base64 = distinctJpeg(image.bytes, counter++).toString('base64');
    return {
      direct: Buffer.from(JSON.stringify({ model, input: { function: 'description_edit', prompt: 'x', base_image_url: `data:image/jpeg;base64,${base64}` }, parameters: { n: 1 } })),
      atelier: Buffer.from(JSON.stringify({ model, image: base64, image_type: 'base64', prompt: 'x' })),
    };
  });
  const cell: Cell = { label, payloadBytes: image.bytes.length, inFlight, direct: [], atelier: [], directSeconds: 0, atelierSeconds: 0, downloads: [], idleRss: 0, peakRss: 0, benchCpu: { direct: 0, atelier: 0 }, serverCpu: 0 };

  /** One batch of `inFlight` requests on one path; per-request latencies go to `into` when measuring. */
  async function batch(path: 'direct' | 'atelier', batchBodies: ReturnType<typeof bodies>, measure: boolean): Promise<void> {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const serverCpuBefore = path === 'atelier' ? await cpuMillisecondsOf(pid) : 0;
    await Promise.all(batchBodies.map(async (body) => {
      const requestStarted = performance.now();
      if (path === 'direct') {
        const download = await direct(fake, body.direct);
        if (measure) cell.downloads.push(download);
      } else {
        await throughAtelier(server, body.atelier);
      }
      if (measure) cell[path].push(performance.now() - requestStarted);
    }));
    if (!measure) return;
    cell[`${path}Seconds`] += (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    cell.benchCpu[path] += (cpu.user + cpu.system) / 1000;
    if (path === 'atelier') cell.serverCpu += (await cpuMillisecondsOf(pid)) - serverCpuBefore;
  }

  try {
    // The idle footprint is that of a server that has served one request of the same kind with a tiny image: the
    // one-off costs of the first request (libvips and its threads, undici, SQLite's cache, code compiled on first
    // use) are the server's, not the payload's, and counting them made the 1 MB rows read 85× instead of ~10×.
    // A tiny image leaves only kilobytes of garbage behind, so the baseline is not inflated either.
    await throughAtelier(server, Buffer.from(JSON.stringify({ model, image: tinyJpeg.toString('base64'), image_type: 'base64', prompt: 'x' })));
    await sleep(500); // let the first request settle before reading the idle footprint
    cell.idleRss = (await memoryOf(pid)).rss;
    await writeFile(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
    const rounds = Math.ceil(requestsPerCell / inFlight);
    const warmupRounds = Math.ceil(warmupRequests / inFlight);
    for (let round = 0; round < warmupRounds + rounds; round += 1) {
      const measure = round >= warmupRounds;
      const batchBodies = bodies(inFlight);
      // Alternate which path goes first, so neither always runs right after the other's garbage.
      const order: Array<'direct' | 'atelier'> = round % 2 === 0 ? ['direct', 'atelier'] : ['atelier', 'direct'];
      for (const path of order) await batch(path, batchBodies, measure);
    }
    cell.peakRss = (await memoryOf(pid)).peak;
  } finally {
    await server.stop();
  }
  return cell;
}

function formatRow(cell: Cell): string {
  const ms = (value: number) => value.toFixed(1);
  const directP50 = percentile(cell.direct, 0.5);
  const atelierP50 = percentile(cell.atelier, 0.5);
  const directP99 = percentile(cell.direct, 0.99);
  const atelierP99 = percentile(cell.atelier, 0.99);
  const perRequest = (cell.peakRss - cell.idleRss) / (cell.payloadBytes * cell.inFlight);
  return `| ${cell.label} | ${cell.inFlight} | ${cell.atelier.length} | ${ms(directP50)} / ${ms(directP99)} | ${ms(atelierP50)} / ${ms(atelierP99)} | **${ms(atelierP50 - directP50)}** / ${ms(atelierP99 - directP99)} | ${(cell.direct.length / cell.directSeconds).toFixed(1)} / ${(cell.atelier.length / cell.atelierSeconds).toFixed(1)} | ${ms(percentile(cell.downloads, 0.5))} | ${Math.round(cell.idleRss / 1e6)} → ${Math.round(cell.peakRss / 1e6)} | **${perRequest.toFixed(2)}×** | ${ms(cell.benchCpu.direct / cell.direct.length)} / ${ms(cell.benchCpu.atelier / cell.atelier.length)} | ${ms(cell.serverCpu / cell.atelier.length)} |`;
}

async function main(): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'atelier-gateway-bench-'));
  // The fake keeps no bodies (memory stays flat) and finishes every task at the first poll.
  const fake = await startDashScopeFake({ enforceConcurrency: false, forgetBodies: true, defaultScript: { before: [] } });
  const loadBefore = loadavg()[0];
  const cells: Cell[] = [];
  try {
    for (const megabytes of sizes) {
      const image = await noiseJpeg(megabytes * 1_000_000, 0.05);
      const name = `${megabytes} MB JPEG (${(image.bytes.length / 1e6).toFixed(2)} MB, ${image.width}×${image.height})`;
      for (const inFlight of inFlightCounts) {
        const cell = await measureCell(fake, image, name, inFlight, directory);
        cells.push(cell);
        console.error(formatRow(cell));
      }
    }
  } finally {
    await fake.stop();
    await rm(directory, { recursive: true, force: true });
  }
  const header = [
    `Node ${process.version}, ${availableParallelism()} cores, load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}; ${requestsPerCell} requests per path and cell after ${warmupRequests} warm-up requests.`,
    '',
    '| Input | In flight | Requests | Direct p50 / p99 ms | Atelier p50 / p99 ms | Added p50 / p99 ms | req/s direct / Atelier | Fake result download p50 ms | Server RSS idle → peak MB | (peak − idle) ÷ (payload × in flight) | Bench process CPU ms per request, direct / Atelier path | Atelier server CPU ms per request |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const table = [...header, ...cells.map(formatRow)].join('\n');
  console.log(table);
  const eight = cells.filter((cell) => cell.label.startsWith('8 MB'));
  // `every` of nothing is true: without an 8 MB cell the latency target was simply not measured.
  const addedVerdict = eight.length === 0 ? 'not measured (no 8 MB cell)'
    : eight.every((cell) => percentile(cell.atelier, 0.5) - percentile(cell.direct, 0.5) <= 25) ? 'met' : 'NOT met';
  const memoryMet = cells.every((cell) => (cell.peakRss - cell.idleRss) / (cell.payloadBytes * cell.inFlight) <= 3);
  console.log(`\nTarget added p50 ≤ 25 ms at 8 MB: ${addedVerdict}; peak RSS above idle ≤ 3× payload per request in flight: ${memoryMet ? 'met' : 'NOT met'}`);
}

await main();
