import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { liveDependencies } from '../../../test/fakes/model-test-kit.ts';
import { stepfunProvider } from './index.ts';

/**
 * One real image2image call, only when STEPFUN_API_KEY is set. After StepFun's 2026-10-10 retirement the provider
 * is off for StepFun's hosts unless STEPFUN_IGNORE_RETIREMENT=1; with it, this test checks that the real "retired"
 * answer maps to upstream_endpoint_retired (or, should the endpoint still serve, that an image comes back).
 */
const keySet = Boolean(process.env.STEPFUN_API_KEY);
const settings = keySet ? stepfunProvider.readSettings({ env: process.env, file: {} }) : undefined;
const skipReason = !keySet
  ? 'STEPFUN_API_KEY is not set'
  : settings === undefined ? 'StepFun retired its image endpoints on 2026-10-10; set STEPFUN_IGNORE_RETIREMENT=1 to probe the live answer' : undefined;
if (skipReason) console.info(`stepfun live test skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('StepFun image2image, live', () => {
  it('returns an image, or the retired error once the endpoint is gone', async () => {
    const dependencies = liveDependencies();
    const bytes = await sharp({ create: { width: 512, height: 512, channels: 3, background: { r: 90, g: 160, b: 90 } } }).jpeg().toBuffer();
    const modelId = settings!.models[0];
    const model = stepfunProvider.createModel(modelId, settings!, dependencies);
    try {
      const started = await model.start({
        service: 'image-to-image', modelId, n: 1, prompt: '换成宫崎骏风格', strength: 0.5,
        image: { bytes, mediaType: 'image/jpeg', width: 512, height: 512, hasAlpha: false }, providerOptions: {},
      }, { signal: AbortSignal.timeout(180_000), idempotencyKey: 'live', onProgress: () => undefined });
      expect(started.status).toBe('completed');
    } catch (error) {
      if (!GatewayError.isInstance(error)) throw error;
      expect(error.code).toBe('upstream_endpoint_retired');
    }
  }, 200_000);
});
