/**
 * `npm run bench:relay-floor`: the least added latency any gateway written in Node could show in bench:gateway's
 * 8 MB cells on this machine. Instead of Atelier, a plain streaming relay (bench/support/streaming-relay-server.ts,
 * a child process) sits between the client and the fake DashScope: it pipes the client's DashScope body to the fake
 * as it arrives — no parsing, decoding, hashing or storing — polls the task every millisecond and answers with the
 * result's bytes. The baseline is bench:gateway's direct path; the two alternate batch by batch in one run.
 *
 * Whatever this relay adds, Atelier (which must also read, check and store the input before a billable submit can
 * complete) cannot add less. Options (env): BENCH_REQUESTS (per cell and path, default 48), BENCH_WARMUP (default 8),
 * BENCH_SIZES (MB, default `8`), BENCH_IN_FLIGHT (default `1,8`).
 */
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startDashScopeFake, type DashScopeFake } from '../test/fakes/dashscope-fake-server.ts';
import { cpuMillisecondsOf, direct, distinctJpeg } from './support/dashscope-direct-path.ts';
import { noiseJpeg } from './support/noise-jpeg.ts';
import { percentile } from './support/statistics.ts';

const requestsPerCell = Number(process.env.BENCH_REQUESTS ?? 48);
const warmupRequests = Number(process.env.BENCH_WARMUP ?? 8);
const sizes = (process.env.BENCH_SIZES ?? '8').split(',').map(Number);
const inFlightCounts = (process.env.BENCH_IN_FLIGHT ?? '1,8').split(',').map(Number);
const relayProgram = fileURLToPath(new URL('./support/streaming-relay-server.ts', import.meta.url));

async function startRelay(fake: DashScopeFake): Promise<{ url: string; pid: number; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', relayProgram], { env: { ...process.env, RELAY_UPSTREAM: fake.baseUrl }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /relay listening on (\S+)/.exec(chunk.toString());
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the relay exited with ${code}`)));
  });
  return { url, pid: child.pid!, stop: () => child.kill() };
}

async function throughRelay(relayUrl: string, fake: DashScopeFake, body: Uint8Array<ArrayBuffer>): Promise<void> {
  const response = await fetch(relayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.apiKey}` }, body });
  if (response.status !== 200) throw new Error(`the relay answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

async function main(): Promise<void> {
  const fake = await startDashScopeFake({ enforceConcurrency: false, forgetBodies: true, defaultScript: { before: [] } });
  const relay = await startRelay(fake);
  const loadBefore = loadavg()[0];
  const rows: string[] = [];
  try {
    for (const megabytes of sizes) {
      const image = await noiseJpeg(megabytes * 1_000_000, 0.05);
      for (const inFlight of inFlightCounts) {
        const latencies = { direct: [] as number[], relay: [] as number[] };
        let relayCpu = 0;
        let counter = 0;
        const rounds = Math.ceil(requestsPerCell / inFlight) + Math.ceil(warmupRequests / inFlight);
        for (let round = 0; round < rounds; round += 1) {
          const measure = round >= Math.ceil(warmupRequests / inFlight);
          const bodies = Array.from({ length: inFlight }, () => Buffer.from(JSON.stringify({
            model: 'wanx2.1-imageedit',
            input: { function: 'description_edit', prompt: 'x', base_image_url: `data:image/jpeg;base64,${distinctJpeg(image.bytes, counter++).toString('base64')}` },
            parameters: { n: 1 },
          })));
          const order: Array<'direct' | 'relay'> = round % 2 === 0 ? ['direct', 'relay'] : ['relay', 'direct'];
          for (const path of order) {
            const cpuBefore = path === 'relay' ? await cpuMillisecondsOf(relay.pid) : 0;
            await Promise.all(bodies.map(async (body) => {
              const started = performance.now();
              if (path === 'direct') await direct(fake, body);
              else await throughRelay(relay.url, fake, body);
              if (measure) latencies[path].push(performance.now() - started);
            }));
            if (measure && path === 'relay') relayCpu += (await cpuMillisecondsOf(relay.pid)) - cpuBefore;
          }
        }
        const p50 = (values: number[]) => percentile(values, 0.5);
        const row = `| ${megabytes} MB | ${inFlight} | ${latencies.relay.length} | ${p50(latencies.direct).toFixed(1)} | ${p50(latencies.relay).toFixed(1)} | **${(p50(latencies.relay) - p50(latencies.direct)).toFixed(1)}** / ${(percentile(latencies.relay, 0.99) - percentile(latencies.direct, 0.99)).toFixed(1)} | ${(relayCpu / latencies.relay.length).toFixed(1)} |`;
        console.error(row);
        rows.push(row);
      }
    }
  } finally {
    relay.stop();
    await fake.stop();
  }
  console.log([
    `Node ${process.version}, ${availableParallelism()} cores, load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}; ${requestsPerCell} requests per path and cell after ${warmupRequests} warm-up requests.`,
    '',
    '| Input | In flight | Requests | Direct p50 ms | Through the relay p50 ms | Added p50 / p99 ms | Relay CPU ms per request |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n'));
}

await main();
