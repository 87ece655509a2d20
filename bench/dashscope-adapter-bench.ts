/**
 * What the DashScope adapter adds on the submit path: `start()` (limits check, data: URI, JSON body, submit with
 * the async protocol) versus posting the same, pre-built body straight to the fake — for a 1 MB and an 8 MB JPEG,
 * 1 and 8 submits in flight, 3 warm-up rounds then 21 measured rounds, interleaved. Everything runs against the in-process fake on 127.0.0.1 (no network).
 *
 * Run: node --import tsx bench/dashscope-adapter-bench.ts
 */
import { randomUUID } from 'node:crypto';
import { dashscopeProvider } from '../src/providers/dashscope/index.ts';
import type { ImageInput } from '../src/providers/spec/generation-call.ts';
import { startDashScopeFake } from '../test/fakes/dashscope-fake-server.ts';
import { fakeDependencies } from '../test/fakes/fake-server-kit.ts';
import { noiseJpeg } from './support/noise-jpeg.ts';
import { percentile } from './support/statistics.ts';

async function main(): Promise<void> {
  const fake = await startDashScopeFake({ enforceConcurrency: false, forgetBodies: true });
  const settings = { apiKey: fake.apiKey, baseUrl: fake.baseUrl, requestTimeoutMs: 60_000, taskQueriesPerSecond: 20, maxResultBytes: 1 << 28, submitAttempts: 3 };
  // Submits are limited to 2/s per model upstream; lift it here to measure the adapter itself (the limiter is a wait, not work).
  const model = dashscopeProvider.createModel('wanx2.1-imageedit', settings, fakeDependencies(fake.clock));
  const rows: string[] = [];
  for (const [label, target] of [['1 MB', 1_000_000], ['8 MB', 8_000_000]] as const) {
    const image: ImageInput = { ...(await noiseJpeg(target, 0.12)), mediaType: 'image/jpeg', hasAlpha: false };
    const body = JSON.stringify({ model: 'wanx2.1-imageedit', input: { function: 'description_edit', prompt: 'x', base_image_url: `data:image/jpeg;base64,${image.bytes.toString('base64')}` }, parameters: { n: 1 } });
    const direct = () => fetch(`${fake.baseUrl}/services/aigc/image2image/image-synthesis`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.apiKey}`, 'x-dashscope-async': 'enable' }, body,
    }).then((response) => response.arrayBuffer());
    const viaAdapter = () => model.start({ service: 'image-to-image', modelId: 'wanx2.1-imageedit', image, prompt: 'x', n: 1, providerOptions: {} },
      { signal: new AbortController().signal, idempotencyKey: randomUUID(), onProgress: () => undefined });
    for (const inFlight of [1, 8]) {
      // Interleaved rounds (direct, then adapter) so heap growth and GC affect both alike; 2 warm-up rounds.
      const baseline: number[] = [];
      const adapter: number[] = [];
      let rssPeak = 0;
      const timed = async (run: () => Promise<unknown>) => {
        const started = performance.now();
        await Promise.all(Array.from({ length: inFlight }, () => run()));
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        return (performance.now() - started) / inFlight;
      };
      for (let round = 0; round < 3 + 21; round += 1) {
        const direct1 = await timed(direct);
        const adapter1 = await timed(viaAdapter);
        if (round >= 3) {
          baseline.push(direct1);
          adapter.push(adapter1);
        }
      }
      const rssPeakMb = Math.round(rssPeak / 1e6);
      const added = percentile(adapter, 0.5) - percentile(baseline, 0.5);
      rows.push(`| ${label} (${(image.bytes.length / 1e6).toFixed(1)} MB, ${image.width}×${image.height}) | ${inFlight} | ${percentile(baseline, 0.5).toFixed(1)} | ${percentile(adapter, 0.5).toFixed(1)} | ${added.toFixed(1)} | ${percentile(adapter, 0.99).toFixed(1)} | ${(percentile(adapter, 0.5) / percentile(baseline, 0.5)).toFixed(2)} | ${rssPeakMb} |`);
    }
  }
  await fake.stop();
  console.log('| input | in flight | direct p50 ms/submit | adapter p50 ms/submit | added p50 ms | adapter p99 ms | ratio | peak RSS, MB |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

await main();
