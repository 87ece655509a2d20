/**
 * `npm run bench:gateway`: what Atelier adds to a DashScope image edit. The AOG call
 * (`POST /aog/v0.2/services/image-to-image`, the image as bare base64, model wanx2.1-imageedit) goes through a real
 * Atelier child process to the fake DashScope; the baseline does the same job straight against the fake — submit
 * the equivalent body (a data: URI), poll the task, download the result. Both paths end with the result's bytes in
 * the client (the AOG path downloads it from Atelier's URL). 1 MB and 8 MB noise JPEGs, 1 and 8 requests in flight,
 * the paths alternating batch by batch in the same run. Every request carries a distinct image (a JPEG comment with a
 * counter), so Atelier's content-addressed store really writes each input.
 *
 * A third path measures the floor in the same run: the DashScope body through a bare streaming relay
 * (support/streaming-relay-server.ts, a child process like Atelier) that only pipes bytes — no parsing, decoding,
 * hashing, storing or task row. What it adds, in latency and in memory, no gateway written in Node can add less of
 * on this machine; Atelier must also read, check and store every input before a billable submit may complete.
 *
 * Reported per cell: p50/p99 of each path, the added p50/p99 of Atelier and of the relay, req/s of each path, the
 * fake's result download, and the peak RSS (VmHWM, reset per cell) of Atelier and of the relay above their idle RSS
 * (read after one request with a tiny image, so that first-request set-up is not counted as payload), divided by
 * payload × requests in flight, and CPU time per request: this process's (client and fake) in each path, Atelier's
 * and the relay's. With 8 in flight both paths are bound by
 * CPU on 2 cores, so those columns say how much of the added latency is the server's work competing for the cores.
 * Each cell gets a fresh server and relay, so one cell's garbage does not inflate the next one's baseline.
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
import { startStreamingRelay, throughRelay } from './support/streaming-relay.ts';
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

type Path = 'direct' | 'atelier' | 'relay';
const paths: Path[] = ['direct', 'atelier', 'relay'];

/** What one path measured in one cell. */
interface PathMeasurements {
  latencies: number[];
  seconds: number;
  /** CPU ms this process (client and fake) spent in the path's measured batches. */
  benchCpu: number;
  /** CPU ms the path's own process (Atelier or the relay) spent in its measured batches; 0 for the direct path. */
  processCpu: number;
  /** RSS of the path's own process: idle (after one small request) and peak (VmHWM, reset after the idle reading). */
  idleRss: number;
  peakRss: number;
}

interface Cell {
  label: string;
  payloadBytes: number;
  inFlight: number;
  measured: Record<Path, PathMeasurements>;
  /** The fake's result download on the direct path, ms. */
  downloads: number[];
}

const emptyMeasurements = (): PathMeasurements => ({ latencies: [], seconds: 0, benchCpu: 0, processCpu: 0, idleRss: 0, peakRss: 0 });

/** 64×48 JPEG for the request that warms Atelier up before its idle footprint is read. */
const tinyJpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 140, b: 200 } } }).jpeg().toBuffer();
/** 512×512 JPEG (a few kilobytes) for the relay's warm-up: the relay passes it to the fake unchanged, and the fake's
 * image-edit model wants sides of at least 512. */
const smallJpeg = await sharp({ create: { width: 512, height: 512, channels: 3, background: { r: 90, g: 140, b: 200 } } }).jpeg().toBuffer();

function dashScopeBody(base64: string): Buffer<ArrayBuffer> {
  return Buffer.from(JSON.stringify({ model, input: { function: 'description_edit', prompt: 'x', base_image_url: `data:image/jpeg;base64,${base64}` }, parameters: { n: 1 } }));
}

function aogBody(base64: string): Buffer<ArrayBuffer> {
  return Buffer.from(JSON.stringify({ model, image: base64, image_type: 'base64', prompt: 'x' }));
}

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
  const relay = await startStreamingRelay(fake);
  const pids: Record<Path, number | undefined> = { direct: undefined, atelier: server.child.pid!, relay: relay.pid };
  let counter = 0;
  const bodies = (count: number) => Array.from({ length: count }, () => {
    const base64 = distinctJpeg(image.bytes, counter++).toString('base64');
    return { dashScope: dashScopeBody(base64), aog: aogBody(base64) };
  });
  const cell: Cell = { label, payloadBytes: image.bytes.length, inFlight, measured: { direct: emptyMeasurements(), atelier: emptyMeasurements(), relay: emptyMeasurements() }, downloads: [] };

  /** One batch of `inFlight` requests on one path, recorded when measuring. */
  async function batch(path: Path, batchBodies: ReturnType<typeof bodies>, measure: boolean): Promise<void> {
    const measured = cell.measured[path];
    const pid = pids[path];
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const processCpuBefore = pid === undefined ? 0 : await cpuMillisecondsOf(pid);
    await Promise.all(batchBodies.map(async (body) => {
      const requestStarted = performance.now();
      if (path === 'direct') {
        const download = await direct(fake, body.dashScope);
        if (measure) cell.downloads.push(download);
      } else if (path === 'atelier') {
        await throughAtelier(server, body.aog);
      } else {
        await throughRelay(relay, fake, body.dashScope);
      }
      if (measure) measured.latencies.push(performance.now() - requestStarted);
    }));
    if (!measure) return;
    measured.seconds += (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    measured.benchCpu += (cpu.user + cpu.system) / 1000;
    if (pid !== undefined) measured.processCpu += (await cpuMillisecondsOf(pid)) - processCpuBefore;
  }

  try {
    // The idle footprint is that of a process that has served one request of the same kind with a tiny image: the
    // one-off costs of the first request (libvips and its threads, undici, SQLite's cache, code compiled on first
    // use) are the server's, not the payload's, and counting them made the 1 MB rows read 85× instead of ~10×.
    // A tiny image leaves only kilobytes of garbage behind, so the baseline is not inflated either.
    await throughAtelier(server, aogBody(tinyJpeg.toString('base64')));
    await throughRelay(relay, fake, dashScopeBody(smallJpeg.toString('base64')));
    await sleep(500); // let the first requests settle before reading the idle footprints
    for (const path of ['atelier', 'relay'] as const) {
      cell.measured[path].idleRss = (await memoryOf(pids[path]!)).rss;
      await writeFile(`/proc/${pids[path]}/clear_refs`, '5'); // resets VmHWM to the current RSS
    }
    const rounds = Math.ceil(requestsPerCell / inFlight);
    const warmupRounds = Math.ceil(warmupRequests / inFlight);
    for (let round = 0; round < warmupRounds + rounds; round += 1) {
      const measure = round >= warmupRounds;
      const batchBodies = bodies(inFlight);
      // Rotate which path goes first, so none always runs right after another's garbage.
      const order = paths.map((_, index) => paths[(index + round) % paths.length]);
      for (const path of order) await batch(path, batchBodies, measure);
    }
    for (const path of ['atelier', 'relay'] as const) cell.measured[path].peakRss = (await memoryOf(pids[path]!)).peak;
  } finally {
    relay.stop();
    await server.stop();
  }
  return cell;
}

const ms = (value: number) => value.toFixed(1);
const p50 = (path: PathMeasurements) => percentile(path.latencies, 0.5);
const p99 = (path: PathMeasurements) => percentile(path.latencies, 0.99);
/** (peak − idle) ÷ (payload × requests in flight). */
const rssRatio = (cell: Cell, path: PathMeasurements) => (path.peakRss - path.idleRss) / (cell.payloadBytes * cell.inFlight);
const addedP50 = (cell: Cell, path: Path) => p50(cell.measured[path]) - p50(cell.measured.direct);

function formatRow(cell: Cell): string {
  const { direct: straight, atelier, relay } = cell.measured;
  const requestsPerSecond = (path: PathMeasurements) => (path.latencies.length / path.seconds).toFixed(1);
  const perRequest = (total: number, path: PathMeasurements) => ms(total / path.latencies.length);
  return [
    cell.label, cell.inFlight, atelier.latencies.length,
    `${ms(p50(straight))} / ${ms(p99(straight))}`,
    `${ms(p50(atelier))} / ${ms(p99(atelier))}`,
    `**${ms(addedP50(cell, 'atelier'))}** / ${ms(p99(atelier) - p99(straight))}`,
    `${ms(addedP50(cell, 'relay'))} / ${ms(p99(relay) - p99(straight))}`,
    `${requestsPerSecond(straight)} / ${requestsPerSecond(atelier)} / ${requestsPerSecond(relay)}`,
    ms(percentile(cell.downloads, 0.5)),
    `${Math.round(atelier.idleRss / 1e6)} → ${Math.round(atelier.peakRss / 1e6)}`,
    `**${rssRatio(cell, atelier).toFixed(2)}×**`,
    `${rssRatio(cell, relay).toFixed(2)}×`,
    `${perRequest(straight.benchCpu, straight)} / ${perRequest(atelier.benchCpu, atelier)} / ${perRequest(relay.benchCpu, relay)}`,
    `${perRequest(atelier.processCpu, atelier)} / ${perRequest(relay.processCpu, relay)}`,
  ].join(' | ').replace(/^/, '| ').concat(' |');
}

/** Whether every cell of `cells` (for the latency target, only the 8 MB ones) meets both targets for `path`. */
function verdict(cells: Cell[], path: 'atelier' | 'relay'): string {
  const eight = cells.filter((cell) => cell.label.startsWith('8 MB'));
  // `every` of nothing is true: without an 8 MB cell the latency target was simply not measured.
  const added = eight.length === 0 ? 'not measured (no 8 MB cell)' : eight.every((cell) => addedP50(cell, path) <= 25) ? 'met' : 'NOT met';
  const memory = cells.every((cell) => rssRatio(cell, cell.measured[path]) <= 3) ? 'met' : 'NOT met';
  return `added p50 ≤ 25 ms at 8 MB: ${added}; peak RSS above idle ≤ 3× payload per request in flight: ${memory}`;
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
    '| Input | In flight | Requests | Direct p50 / p99 ms | Atelier p50 / p99 ms | Atelier added p50 / p99 ms | Relay (floor) added p50 / p99 ms | req/s direct / Atelier / relay | Fake result download p50 ms | Atelier RSS idle → peak MB | Atelier (peak − idle) ÷ (payload × in flight) | Relay (peak − idle) ÷ (payload × in flight) | Bench process CPU ms per request, direct / Atelier / relay path | Atelier / relay CPU ms per request |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  console.log([...header, ...cells.map(formatRow)].join('\n'));
  console.log(`\nTargets through Atelier: ${verdict(cells, 'atelier')}.\nThe same targets for the bare relay (the floor): ${verdict(cells, 'relay')}.`);
}

await main();
