import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { liveDependencies } from '../../../test/fakes/model-test-kit.ts';
import { openAiProvider } from './index.ts';

/**
 * One real images/edits call with a mask, only when OPENAI_API_KEY is set (or OPENAI_BASE_URL points at a local
 * OpenAI-compatible server on loopback). OPENAI_LIVE_MODEL picks the model (default gpt-image-1). Costs one image.
 */
const configured = Boolean(process.env.OPENAI_API_KEY) || Boolean(process.env.OPENAI_BASE_URL);
const settings = configured ? openAiProvider.readSettings({ env: process.env, file: {} }) : undefined;
const skipReason = settings === undefined ? 'OPENAI_API_KEY is not set (nor OPENAI_BASE_URL on a loopback address)' : undefined;
if (skipReason) console.info(`openai live test skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('OpenAI images/edits, live', () => {
  it('edits inside a mask and returns an image', async () => {
    const dependencies = liveDependencies();
    const size = 1024;
    const bytes = await sharp({ create: { width: size, height: size, channels: 3, background: { r: 200, g: 200, b: 190 } } }).png().toBuffer();
    const plane = Buffer.alloc(size * size);
    for (let y = 256; y < 768; y += 1) plane.fill(255, y * size + 256, y * size + 768);
    const mask = { bytes: await sharp(plane, { raw: { width: size, height: size, channels: 1 } }).png().toBuffer(), width: size, height: size };
    const modelId = process.env.OPENAI_LIVE_MODEL ?? 'gpt-image-1';
    const model = openAiProvider.createModel(modelId, settings!, dependencies);
    const started = await model.start({
      service: 'image-to-image', modelId, n: 1, prompt: 'a red apple on the table', mask,
      image: { bytes, mediaType: 'image/png', width: size, height: size, hasAlpha: false }, providerOptions: {},
    }, { signal: AbortSignal.timeout(300_000), idempotencyKey: 'live', onProgress: () => undefined });
    expect(started.status).toBe('completed');
    if (started.status !== 'completed') return;
    expect((await sharp(started.result.outputs[0].bytes).metadata()).width).toBeGreaterThan(0);
  }, 320_000);
});
