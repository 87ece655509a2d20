/**
 * Tencent documents Prompt and NegativePrompt as "≤ 256 UTF-8 characters": code points, so a text of astral
 * characters (emoji, CJK Extension B) counts one per character, not one per UTF-16 unit.
 */
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { testCall, testContext } from '../../../test/fakes/generation-call-kit.ts';
import { recordingDependencies, runSynchronous, type RecordingDependencies } from '../../../test/fakes/model-test-kit.ts';
import { exampleTencentCredentials, startTencentFake, type TencentFake } from '../../../test/fakes/tencent-fake-server.ts';
import type { GenerationCall } from '../spec/generation-call.ts';
import { tencentImageToImage } from './tencent-capabilities.ts';
import { TencentImageEditModel } from './tencent-image-edit-model.ts';

let fake: TencentFake;
let dependencies: RecordingDependencies['dependencies'];
beforeEach(async () => {
  fake = await startTencentFake();
  ({ dependencies } = recordingDependencies(() => fake.clock));
});
afterEach(() => fake.stop());

const rareCharacter = (count: number) => '𠀀'.repeat(count);

function model(): TencentImageEditModel {
  return new TencentImageEditModel(tencentImageToImage, {
    secretId: exampleTencentCredentials.secretId, secretKey: exampleTencentCredentials.secretKey, region: 'ap-guangzhou',
    endpoint: fake.url, requestTimeoutMs: 5_000, downloadTimeoutMs: 5_000, concurrency: 1, throttleAttempts: 1,
    throttleBaseDelayMs: 1_000, maxResponseBytes: 40 * 1024 * 1024,
  }, dependencies());
}

async function call(partial: Partial<GenerationCall>): Promise<GenerationCall> {
  const bytes = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 80, b: 40 } } }).png().toBuffer();
  return testCall({ bytes, mediaType: 'image/png', width: 320, height: 240, hasAlpha: false }, { modelId: tencentImageToImage.id, ...partial });
}

describe('Tencent text limits count characters (code points)', () => {
  it('a prompt of exactly 256 CJK Extension B characters is sent, 257 is a 400', async () => {
    await runSynchronous(model(), await call({ prompt: rareCharacter(256) }));
    expect((fake.apiRequests().at(-1)!.json as { Prompt?: string }).Prompt).toBe(rareCharacter(256));
    const sentBefore = fake.apiRequests().length;
    const error = await rejectionOf(model().start(await call({ prompt: rareCharacter(257) }), testContext()));
    expect({ code: error.code, status: error.status, message: error.message }).toEqual({
      code: 'parameter_invalid', status: 400,
      message: `Expected a string of at most 256 characters (Tencent's limit) for prompt but received "${rareCharacter(57)}..." (string)`,
    });
    expect(fake.apiRequests()).toHaveLength(sentBefore);
  });
});
