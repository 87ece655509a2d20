import { describe, expect, test } from 'vitest';
import { testCall, testContext, testImage, testMask } from '../../../test/fakes/generation-call-kit.ts';
import { createLogger } from '../../logging/logger.ts';
import type { Engine } from '../../engine/engine-types.ts';
import type { ProviderDependencies } from '../spec/provider-definition.ts';
import type { GenerationCall } from '../spec/generation-call.ts';
import type { ProviderModel, StatusResult } from '../spec/provider-model.ts';
import { dashscopeProvider } from './index.ts';

/**
 * Live smoke tests against the real DashScope. They run only when DASHSCOPE_API_KEY is set (and bill the account:
 * one wanx2.1-imageedit image per run, ≈ ¥0.14; the video case needs DASHSCOPE_LIVE_VIDEO=1 as well, ≈ ¥1.2–3.5).
 * DASHSCOPE_BASE_URL selects the region (imageedit is Beijing only).
 */
const settings = dashscopeProvider.readSettings({ env: process.env, file: {} });
if (settings === undefined) console.log('dashscope.live.test.ts: skipped — set DASHSCOPE_API_KEY to run the live DashScope checks');
const videoEnabled = settings !== undefined && process.env.DASHSCOPE_LIVE_VIDEO === '1';
if (settings !== undefined && !videoEnabled) console.log('dashscope.live.test.ts: video case skipped — set DASHSCOPE_LIVE_VIDEO=1 to run it (billed per second)');

function liveDependencies(): ProviderDependencies {
  const refuse = async (): Promise<never> => {
    throw new Error('not used');
  };
  const engine: Engine = { editImage: refuse, imageToVideo: refuse, styles: () => [], motions: () => [], close: async () => undefined };
  return {
    fetch: globalThis.fetch,
    logger: createLogger({ level: 'info' }),
    now: () => new Date(),
    sleep: (milliseconds, signal) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, milliseconds);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      }, { once: true });
    }),
    engine,
  };
}

async function runLive(model: ProviderModel, call: GenerationCall, deadlineMs: number): Promise<StatusResult> {
  const dependencies = liveDependencies();
  const started = await model.start(call, testContext());
  if (started.status === 'completed') return started;
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 0; Date.now() < deadline; attempt += 1) {
    await dependencies.sleep(model.pollIntervalMs?.(attempt) ?? 5_000);
    const outcome = await model.status!(started.operation, testContext());
    if (outcome.status !== 'pending') return outcome;
  }
  throw new Error(`the live task did not finish within ${deadlineMs} ms`);
}

describe.skipIf(settings === undefined)('DashScope live', () => {
  test('wanx2.1-imageedit description_edit_with_mask: submit, poll, download', async () => {
    const image = await testImage(640, 640, { format: 'jpeg' });
    const model = dashscopeProvider.createModel('wanx2.1-imageedit', settings!, liveDependencies());
    const outcome = await runLive(model, testCall(image, { prompt: '在中间画一个红色的圆', mask: await testMask(640, 640), n: 1 }), 180_000);
    expect(outcome.status, JSON.stringify(outcome.status === 'failed' ? outcome.error.toJSON() : '')).toBe('completed');
    if (outcome.status === 'completed') {
      expect(outcome.result.outputs[0].mediaType.startsWith('image/')).toBe(true);
      expect(outcome.result.usage.images).toBe(1);
    }
  }, 240_000);

  test('a wrong key is upstream_auth_failed and the key never appears in the error', async () => {
    const model = dashscopeProvider.createModel('wanx2.1-imageedit', { ...settings!, apiKey: 'sk-atelier-live-wrong-key-000' }, liveDependencies());
    const error = await model.start(testCall(await testImage(600, 600), { prompt: 'x' }), testContext()).catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe('upstream_auth_failed');
    expect(JSON.stringify(error)).not.toContain('sk-atelier-live-wrong-key-000');
  }, 60_000);

  test.skipIf(!videoEnabled)('wanx2.1-i2v-turbo 3 s at 480P: submit, poll, download the MP4', async () => {
    const model = dashscopeProvider.createModel('wanx2.1-i2v-turbo', settings!, liveDependencies());
    const call = testCall(await testImage(640, 480, { format: 'jpeg' }), { service: 'image-to-video', prompt: 'the camera slowly zooms in', resolution: '480P', duration: 3 });
    const outcome = await runLive(model, call, 600_000);
    expect(outcome.status).toBe('completed');
    if (outcome.status === 'completed') expect(outcome.result.outputs[0].mediaType).toBe('video/mp4');
  }, 660_000);
});
