import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { schedulerResubmits } from '../../../test/fakes/scheduler-verdict.ts';
import { refusedOrigin } from '../../../test/fakes/fake-server-kit.ts';
import { testCall, testContext } from '../../../test/fakes/generation-call-kit.ts';
import { recordingDependencies, type RecordingDependencies } from '../../../test/fakes/model-test-kit.ts';
import { startStepFunFake, type StepFunFake } from '../../../test/fakes/stepfun-fake-server.ts';
import type { GenerationCall } from '../spec/generation-call.ts';
import { stepfunModels } from './stepfun-capabilities.ts';
import { StepFunImageEditModel } from './stepfun-image-edit-model.ts';
import type { StepFunSettings } from './stepfun-settings.ts';

/**
 * Once image2image answered 200 the image is made and billed (¥0.1), so nothing that fails
 * afterwards (the `url` download, spec §3 / §5 "download at once") may make the scheduler resubmit the call.
 */

const [step2xLarge] = stepfunModels;
let fake: StepFunFake;
let dependencies: RecordingDependencies['dependencies'];

function settings(overrides: Partial<StepFunSettings> = {}): StepFunSettings {
  return {
    apiKey: fake.apiKey, baseUrl: fake.baseUrl, models: ['step-2x-large'], ignoreRetirement: false, requestTimeoutMs: 5_000,
    downloadTimeoutMs: 5_000, throttleAttempts: 4, throttleBaseDelayMs: 1_000, maxResponseBytes: 40 * 1024 * 1024, ...overrides,
  };
}

async function call(partial: Partial<GenerationCall> = {}): Promise<GenerationCall> {
  const bytes = await sharp({ create: { width: 256, height: 192, channels: 3, background: { r: 30, g: 140, b: 90 } } }).jpeg().toBuffer();
  return testCall({ bytes, mediaType: 'image/jpeg', width: 256, height: 192, hasAlpha: false }, { modelId: step2xLarge.id, prompt: '换成宫崎骏风格', ...partial });
}

beforeEach(async () => {
  fake = await startStepFunFake();
  ({ dependencies } = recordingDependencies(() => fake.clock));
});
afterEach(() => fake.stop());

describe('failures after StepFun made (and billed) the image', () => {
  it('a url result on a host that refuses the connection is not resubmitted', async () => {
    const resultUrl = `${await refusedOrigin()}/files/result.png`;
    fake.failNext({ kind: 'answer', answer: { status: 200, body: { created: 1, data: [{ seed: 7, finish_reason: 'success', url: resultUrl }] } } });
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const error = await rejectionOf(model.start(await call({ providerOptions: { response_format: 'url' } }), testContext()));
    expect(fake.image2imageRequests()).toHaveLength(1);
    expect(schedulerResubmits(error)).toBe(false);
  });

  it('a url result whose download answers 429 is not resubmitted', async () => {
    fake.server.script({ match: (request) => request.path.startsWith('/files/'), behaviour: { kind: 'answer', answer: { status: 429, body: 'slow down' } } });
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const error = await rejectionOf(model.start(await call({ providerOptions: { response_format: 'url' } }), testContext()));
    expect(fake.image2imageRequests()).toHaveLength(1);
    expect(schedulerResubmits(error)).toBe(false);
  });
});
