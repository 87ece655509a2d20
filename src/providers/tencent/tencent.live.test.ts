import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { liveDependencies } from '../../../test/fakes/model-test-kit.ts';
import { tencentProvider } from './index.ts';

/**
 * One real ImageToImage call, only when TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are set (region and
 * endpoint from TENCENTCLOUD_REGION / TENCENTCLOUD_AIART_ENDPOINT). Costs one image on the account.
 */
const settings = tencentProvider.readSettings({ env: process.env, file: {} });
const skipReason = settings === undefined ? 'TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY are not set' : undefined;
if (skipReason) console.info(`tencent live test skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('Tencent aiart ImageToImage, live', () => {
  it('restyles a generated photo-like image and returns an image', async () => {
    const dependencies = liveDependencies();
    const bytes = await sharp({ create: { width: 512, height: 512, channels: 3, background: { r: 120, g: 170, b: 210 } } })
      .composite([{ input: Buffer.from('<svg width="512" height="512"><circle cx="256" cy="256" r="150" fill="#e0a060"/></svg>') }])
      .jpeg().toBuffer();
    const model = tencentProvider.createModel('aiart-image-to-image', settings!, dependencies);
    const started = await model.start({
      service: 'image-to-image', modelId: 'aiart-image-to-image', n: 1, prompt: '水彩画风格', style: '104',
      image: { bytes, mediaType: 'image/jpeg', width: 512, height: 512, hasAlpha: false }, providerOptions: { LogoAdd: 0 },
    }, { signal: AbortSignal.timeout(180_000), idempotencyKey: 'live', onProgress: () => undefined });
    expect(started.status).toBe('completed');
    if (started.status !== 'completed') return;
    const metadata = await sharp(started.result.outputs[0].bytes).metadata();
    expect(metadata.width).toBeGreaterThan(0);
  }, 200_000);
});
