import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { schedulerResubmits } from '../../../test/fakes/scheduler-verdict.ts';
import { testCall, testContext } from '../../../test/fakes/generation-call-kit.ts';
import { recordingDependencies, type RecordingDependencies } from '../../../test/fakes/model-test-kit.ts';
import { startTencentFake, type TencentFake } from '../../../test/fakes/tencent-fake-server.ts';
import type { GenerationCall } from '../spec/generation-call.ts';
import { tencentImageToImage } from './tencent-capabilities.ts';
import { TencentImageEditModel } from './tencent-image-edit-model.ts';
import type { TencentSettings } from './tencent-settings.ts';

/**
 * A Tencent ImageToImage call that answered (and was billed) must never be resubmitted
 * (task brief; tencent-aiart.md §8 "URL → download immediately"; retry-billable-call.ts). The scheduler resubmits a
 * failed `start` when the error is retryable and `canResubmitSafely` says the provider cannot have accepted it, so
 * the error an adapter throws after a billed call must not look like that.
 */

let fake: TencentFake;
let dependencies: RecordingDependencies['dependencies'];
// A SecretId of its own per test: the per-account job slots are process-wide, keyed by endpoint and SecretId.
let secretId: string;
const secretKey = 'ReviewSecretKeyReviewSecretKey00';

function settings(overrides: Partial<TencentSettings> = {}): TencentSettings {
  return {
    secretId, secretKey, region: 'ap-guangzhou', endpoint: fake.url, requestTimeoutMs: 5_000, downloadTimeoutMs: 5_000,
    concurrency: 3, throttleAttempts: 2, throttleBaseDelayMs: 1_000, maxResponseBytes: 40 * 1024 * 1024, ...overrides,
  };
}

async function call(partial: Partial<GenerationCall> = {}): Promise<GenerationCall> {
  const bytes = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 80, b: 40 } } }).png().toBuffer();
  return testCall({ bytes, mediaType: 'image/png', width: 320, height: 240, hasAlpha: false }, { modelId: tencentImageToImage.id, ...partial });
}

beforeEach(async () => {
  secretId = `AKID${randomUUID().replace(/-/g, '')}`;
  fake = await startTencentFake({ credentials: { [secretId]: secretKey } });
  ({ dependencies } = recordingDependencies(() => fake.clock));
});
afterEach(() => fake.stop());

describe('failures after Tencent made (and billed) the image', () => {
  it('a url result whose download is throttled (429) is not resubmitted: the ImageToImage call already ran', async () => {
    fake.server.script({ match: (request) => request.path.startsWith('/results/'), behaviour: { kind: 'answer', answer: { status: 429, body: 'slow down' } } });
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    const error = await rejectionOf(model.start(await call({ providerOptions: { RspImgType: 'url' } }), testContext()));
    expect(fake.apiRequests()).toHaveLength(1);
    expect(schedulerResubmits(error)).toBe(false);
  });

  it('with n = 2, one call throttled out (429) and one answered 502 (may be billed): the job error is not resubmittable', async () => {
    // Concurrency 1 fixes the order: call 1 gets the 429s (throttleAttempts 2), call 2 the 502.
    const isApi = (request: { method: string; path: string }) => request.method === 'POST' && request.path === '/';
    fake.server.script({ match: isApi, behaviour: { kind: 'answer', answer: { status: 429, body: { message: 'gateway throttled' } } }, times: 2 });
    fake.server.script({ match: isApi, behaviour: { kind: 'answer', answer: { status: 502, body: '<html>bad gateway</html>' } } });
    const model = new TencentImageEditModel(tencentImageToImage, settings({ concurrency: 1 }), dependencies());
    const error = await rejectionOf(model.start(await call({ n: 2 }), testContext()));
    expect(fake.apiRequests()).toHaveLength(3);
    expect(schedulerResubmits(error)).toBe(false);
  });
});
