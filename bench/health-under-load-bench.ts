/**
 * `npm run bench:health`: does the server stay responsive while it renders? Starts the real server
 * (`atelier serve --port 0`, fresh data dir) as a child process, polls `GET /health` and `GET /aog/v0.2/health`
 * every ~20 ms while idle, then again while `--in-flight` (4) image-to-image requests are kept in flight at
 * `--size`² (1024, oil painting: one of the heaviest styles, inline base64 JSON as the AOG SDK sends it). Reports
 * p50/p95/p99/max of each path, idle vs under load, in the same run. Target (issue 3): < 50 ms under load.
 *
 * One server per entry of `--concurrency` (default `default,4`): `default` is what a user gets (the embedded
 * engine runs as many jobs as there are cores and queues the rest), `4` sets `ATELIER_CONCURRENCY=local=4` so all
 * four images are rendered at once.
 *
 *   npm run bench:health [-- --seconds 20] [-- --idle-seconds 5] [-- --size 1024] [-- --style oil-painting]
 *     [-- --in-flight 4] [-- --concurrency default,4] [-- --interval 20] [-- --write bench/results/health.md]
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { spawnServer } from '../test/support/spawn-server.ts';

const healthPaths = ['/health', '/aog/v0.2/health'] as const;
const targetMilliseconds = 50;

interface Options {
  seconds: number;
  idleSeconds: number;
  size: number;
  style: string;
  inFlight: number;
  concurrency: string[];
  intervalMilliseconds: number;
  write?: string;
}

function parseOptions(argumentsList: string[]): Options {
  const options: Options = { seconds: 20, idleSeconds: 5, size: 1024, style: 'oil-painting', inFlight: 4, concurrency: ['default', '4'], intervalMilliseconds: 20 };
  for (let index = 0; index < argumentsList.length; index += 2) {
    const [name, value] = [argumentsList[index], argumentsList[index + 1] ?? ''];
    if (name === '--seconds') options.seconds = Number(value);
    else if (name === '--idle-seconds') options.idleSeconds = Number(value);
    else if (name === '--size') options.size = Number(value);
    else if (name === '--style') options.style = value;
    else if (name === '--in-flight') options.inFlight = Number(value);
    else if (name === '--concurrency') options.concurrency = value.split(',');
    else if (name === '--interval') options.intervalMilliseconds = Number(value);
    else if (name === '--write') options.write = value;
    else throw new Error(`unknown option ${name} (see the comment at the top of bench/health-under-load-bench.ts)`);
  }
  for (const [name, value] of Object.entries({ seconds: options.seconds, idleSeconds: options.idleSeconds, size: options.size, inFlight: options.inFlight, interval: options.intervalMilliseconds })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  }
  if (options.concurrency.some((entry) => entry !== 'default' && !(Number.isInteger(Number(entry)) && Number(entry) > 0))) {
    throw new Error(`--concurrency must list "default" or positive integers, got ${options.concurrency.join(',')}`);
  }
  return options;
}

/** A photo-like JPEG: gradients, shapes and per-pixel noise, so the encoder and the kernels see real texture. */
async function makeInput(side: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8ec5ff"/><stop offset="1" stop-color="#f4e2c8"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#sky)"/>
    <circle cx="${side * 0.5}" cy="${side * 0.6}" r="${side * 0.25}" fill="#c0502a"/>
    <rect x="${side * 0.1}" y="${side * 0.75}" width="${side * 0.8}" height="${side * 0.2}" fill="#3d6b35"/></svg>`;
  const base = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const noisy = Uint8Array.from(base.data, (value, index) => Math.max(0, Math.min(255, value + ((index * 2654435761) % 41) - 20)));
  return sharp(noisy, { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function summarise(values: readonly number[]): Summary {
  const sorted = [...values].sort((first, second) => first - second);
  return { count: sorted.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

/**
 * Polls every health path every `interval` ms until `signal` aborts; one tick requests the paths one after the
 * other, and the next tick starts `interval` after the previous one started (or at once if it ran late).
 */
async function pollHealth(baseUrl: string, intervalMilliseconds: number, signal: AbortSignal): Promise<Record<string, number[]>> {
  const latencies: Record<string, number[]> = Object.fromEntries(healthPaths.map((path) => [path, []]));
  while (!signal.aborted) {
    const tickStart = performance.now();
    for (const path of healthPaths) {
      const start = performance.now();
      const response = await fetch(`${baseUrl}${path}`);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
      latencies[path].push(performance.now() - start);
    }
    const wait = intervalMilliseconds - (performance.now() - tickStart);
    if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => {});
  }
  return latencies;
}

interface LoadResult {
  completed: number;
  imageLatencies: number[];
}

/** One image-to-image request; resolves with its latency in ms. */
async function postImage(baseUrl: string, body: string): Promise<number> {
  const start = performance.now();
  const response = await fetch(`${baseUrl}/aog/v0.2/services/image-to-image`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const answer = (await response.json()) as { business_code?: number; message?: string };
  if (response.status !== 200 || answer.business_code !== 200) throw new Error(`image-to-image answered ${response.status}: ${answer.message}`);
  return performance.now() - start;
}

/** Keeps `inFlight` image requests open until `signal` aborts, then lets the last ones finish. */
async function keepImagesInFlight(baseUrl: string, body: string, inFlight: number, signal: AbortSignal, result: LoadResult): Promise<void> {
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (!signal.aborted) {
      result.imageLatencies.push(await postImage(baseUrl, body));
      result.completed++;
    }
  }));
}

/** CPU seconds used so far by the whole server process (`/proc/<pid>/stat`) and by its main thread alone. */
async function serverCpuSeconds(pid: number): Promise<{ process: number; mainThread: number }> {
  const ticks = async (path: string) => {
    const fields = (await readFile(path, 'utf8')).split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of the stat line (11 and 12 after the command name), in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  return { process: await ticks(`/proc/${pid}/stat`), mainThread: await ticks(`/proc/${pid}/task/${pid}/stat`) };
}

/**
 * Share of wall time in which some runnable task on the machine waited for a CPU (`/proc/pressure/cpu`, "some"),
 * since `previous`: the gauge of how contended the (shared) machine was. Undefined where PSI is not available.
 */
async function cpuPressureSince(previous?: { total: number; at: number }): Promise<{ total: number; at: number; share?: number } | undefined> {
  const text = await readFile('/proc/pressure/cpu', 'utf8').catch(() => undefined);
  const total = text && Number(/^some .*total=(\d+)/m.exec(text)?.[1]);
  if (!total) return undefined;
  const at = performance.now();
  return { total, at, share: previous ? (total - previous.total) / 1000 / (at - previous.at) : undefined };
}

/** One window of the server's event-loop probe (`bench/support/event-loop-probe.mjs`). */
interface EventLoopWindow {
  p50: number;
  p99: number;
  max: number;
  utilisation: number;
}

interface Measurement {
  concurrency: string;
  serverLoop: { idle: EventLoopWindow; loaded: EventLoopWindow };
  idle: Record<string, Summary>;
  loaded: Record<string, Summary>;
  images: { completed: number; median: number; perSecond: number };
  benchLoopDelayP99: number;
  serverCpuShare: number;
  mainThreadCpuPerImage: number;
  cpuPressure: { idle?: number; loaded?: number };
  loadAverage: string;
}

async function measure(options: Options, concurrency: string, body: string): Promise<Measurement> {
  const directory = await mkdtemp(join(os.tmpdir(), 'atelier-health-bench-'));
  const probeFile = join(directory, 'event-loop.jsonl');
  const env: Record<string, string | undefined> = {
    ATELIER_LOG_LEVEL: 'error',
    ATELIER_EVENT_LOOP_PROBE_FILE: probeFile,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${fileURLToPath(new URL('./support/event-loop-probe.mjs', import.meta.url))}`.trim(),
  };
  if (concurrency !== 'default') env.ATELIER_CONCURRENCY = `local=${concurrency}`;
  const server = await spawnServer({ args: ['--data-dir', directory], env });
  /** Ends the server's current event-loop window (the probe appends one line per signal). */
  const markWindow = async () => {
    server.child.kill('SIGUSR2');
    await sleep(100);
  };
  try {
    // Warm-up: the first render loads the worker pool's modules and libvips' operations.
    await postImage(server.url, body);
    for (let index = 0; index < 50; index++) await (await fetch(`${server.url}/health`)).arrayBuffer();

    await markWindow();
    const idlePressureStart = await cpuPressureSince();
    const idleStop = AbortSignal.timeout(options.idleSeconds * 1000);
    const idle = await pollHealth(server.url, options.intervalMilliseconds, idleStop);
    const idlePressure = await cpuPressureSince(idlePressureStart);
    await markWindow();

    const loadStop = new AbortController();
    const load: LoadResult = { completed: 0, imageLatencies: [] };
    const loading = keepImagesInFlight(server.url, body, options.inFlight, loadStop.signal, load);
    // Let every request reach the engine before the clock starts (the bodies take a moment to upload and decode).
    await sleep(1500);
    await markWindow();
    const benchLoop = monitorEventLoopDelay({ resolution: 5 });
    benchLoop.enable();
    const cpuBefore = await serverCpuSeconds(server.child.pid!);
    const loadedPressureStart = await cpuPressureSince();
    const completedBefore = load.completed;
    const started = performance.now();
    const loaded = await pollHealth(server.url, options.intervalMilliseconds, AbortSignal.timeout(options.seconds * 1000));
    const elapsedSeconds = (performance.now() - started) / 1000;
    const completedDuring = load.completed - completedBefore;
    const cpuAfter = await serverCpuSeconds(server.child.pid!);
    const loadedPressure = await cpuPressureSince(loadedPressureStart);
    await markWindow();
    benchLoop.disable();
    const loadAverage = os.loadavg().map((average) => average.toFixed(1)).join(' / ');
    loadStop.abort();
    await loading;
    const images = summarise(load.imageLatencies);
    const windows = (await readFile(probeFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as EventLoopWindow);
    return {
      serverLoop: { idle: windows[1], loaded: windows[3] },
      concurrency,
      idle: Object.fromEntries(Object.entries(idle).map(([path, values]) => [path, summarise(values)])),
      loaded: Object.fromEntries(Object.entries(loaded).map(([path, values]) => [path, summarise(values)])),
      images: { completed: completedDuring, median: images.p50, perSecond: completedDuring / elapsedSeconds },
      benchLoopDelayP99: benchLoop.percentile(99) / 1e6,
      serverCpuShare: (cpuAfter.process - cpuBefore.process) / elapsedSeconds / os.availableParallelism(),
      mainThreadCpuPerImage: ((cpuAfter.mainThread - cpuBefore.mainThread) * 1000) / Math.max(1, completedDuring),
      cpuPressure: { idle: idlePressure?.share, loaded: loadedPressure?.share },
      loadAverage,
    };
  } finally {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

const labelOf = (concurrency: string) => (concurrency === 'default' ? `default (${os.availableParallelism()})` : concurrency);
const format = (value: number) => (Number.isNaN(value) ? '—' : value < 10 ? value.toFixed(1) : value.toFixed(0));

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const jpeg = await makeInput(options.size);
  const body = JSON.stringify({ image: jpeg.toString('base64'), image_type: 'base64', style: options.style, n: 1, seed: 5, output_format: 'jpeg' });
  const lines: string[] = [];
  const print = (line = '') => { lines.push(line); console.log(line); };
  print(`Machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load average at start ${os.loadavg().map((load) => load.toFixed(1)).join(' / ')}, Node ${process.version}, sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}.`);
  print(`Method: ${options.inFlight} image-to-image requests kept in flight (${options.size}² JPEG, ${(body.length / 1024).toFixed(0)} KB of JSON with inline base64, style ${options.style}, n = 1); health polled every ${options.intervalMilliseconds} ms for ${options.seconds} s under load and ${options.idleSeconds} s idle, same server, after a warm-up render. Latency = client-side time to the whole response.`);
  print('');
  print(`| Engine concurrency | Path | Idle p50 / p95 / p99 / max ms | Under load p50 / p95 / p99 / max ms | Polls under load | Target < ${targetMilliseconds} ms (max) |`);
  print('|---|---|---|---|---:|---|');
  const measurements: Measurement[] = [];
  for (const concurrency of options.concurrency) {
    const measurement = await measure(options, concurrency, body);
    measurements.push(measurement);
    for (const path of healthPaths) {
      const idle = measurement.idle[path];
      const loaded = measurement.loaded[path];
      const met = loaded.max < targetMilliseconds ? 'met' : loaded.p99 < targetMilliseconds ? `p99 met, max missed by ${format(loaded.max - targetMilliseconds)} ms` : `missed by ${format(loaded.p99 - targetMilliseconds)} ms at p99`;
      print(`| ${labelOf(concurrency)} | \`${path}\` | ${[idle.p50, idle.p95, idle.p99, idle.max].map(format).join(' / ')} | ${[loaded.p50, loaded.p95, loaded.p99, loaded.max].map(format).join(' / ')} | ${loaded.count} | ${met} |`);
    }
  }
  print('');
  print('| Engine concurrency | Server event-loop delay idle p50 / p99 / max ms | Under load p50 / p99 / max ms | Loop utilisation under load | Bench event-loop delay p99 |');
  print('|---|---|---|---:|---:|');
  for (const measurement of measurements) {
    const { idle, loaded } = measurement.serverLoop;
    print(`| ${labelOf(measurement.concurrency)} | ${[idle.p50, idle.p99, idle.max].map(format).join(' / ')} | ${[loaded.p50, loaded.p99, loaded.max].map(format).join(' / ')} | ${(loaded.utilisation * 100).toFixed(0)} % | ${format(measurement.benchLoopDelayP99)} ms |`);
  }
  print('');
  print('| Engine concurrency | Images done under load | Image latency median | Images/s | Server CPU (share of all cores) | Main-thread CPU per image | CPU pressure idle / under load | Load average after |');
  print('|---|---:|---:|---:|---:|---:|---|---|');
  const percent = (share?: number) => (share === undefined ? '—' : `${(share * 100).toFixed(0)} %`);
  for (const measurement of measurements) {
    print(`| ${labelOf(measurement.concurrency)} | ${measurement.images.completed} | ${format(measurement.images.median)} ms | ${measurement.images.perSecond.toFixed(2)} | ${percent(measurement.serverCpuShare)} | ${format(measurement.mainThreadCpuPerImage)} ms | ${percent(measurement.cpuPressure.idle)} / ${percent(measurement.cpuPressure.loaded)} | ${measurement.loadAverage} |`);
  }
  print('');
  print('CPU pressure = share of wall time in which some runnable task on the machine waited for a CPU (/proc/pressure/cpu); the idle figure is other processes\' load, since the server is idle then.');
  if (options.write) await writeFile(options.write, `${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
