import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { refusedOrigin } from '../../../test/fakes/fake-server-kit.ts';
import { testCall, testContext } from '../../../test/fakes/generation-call-kit.ts';
import { recordingDependencies, runSynchronous, type RecordingDependencies } from '../../../test/fakes/model-test-kit.ts';
import { startStepFunFake, type StepFunFake } from '../../../test/fakes/stepfun-fake-server.ts';
import type { GenerationCall, ImageInput } from '../spec/generation-call.ts';
import { stepfunModels } from './stepfun-capabilities.ts';
import { StepFunImageEditModel } from './stepfun-image-edit-model.ts';
import type { StepFunSettings } from './stepfun-settings.ts';

const [step2xLarge, step1xMedium] = stepfunModels;

let fake: StepFunFake;
let sleeps: number[];
let logLines: string[];
let dependencies: RecordingDependencies['dependencies'];

function settings(overrides: Partial<StepFunSettings> = {}): StepFunSettings {
  return {
    apiKey: fake.apiKey,
    baseUrl: fake.baseUrl,
    models: ['step-2x-large', 'step-1x-medium'],
    ignoreRetirement: false,
    requestTimeoutMs: 5_000,
    downloadTimeoutMs: 5_000,
    throttleAttempts: 4,
    throttleBaseDelayMs: 1_000,
    maxResponseBytes: 40 * 1024 * 1024,
    ...overrides,
  };
}

async function jpegImage(width: number, height: number): Promise<ImageInput> {
  const bytes = await sharp({ create: { width, height, channels: 3, background: { r: 30, g: 140, b: 90 } } }).jpeg().toBuffer();
  return { bytes, mediaType: 'image/jpeg', width, height, hasAlpha: false };
}

async function call(partial: Partial<GenerationCall> = {}): Promise<GenerationCall> {
  return testCall(await jpegImage(256, 192), { modelId: step2xLarge.id, prompt: '换成宫崎骏风格', ...partial });
}

beforeEach(async () => {
  fake = await startStepFunFake();
  ({ sleeps, logLines, dependencies } = recordingDependencies(() => fake.clock));
});

afterEach(async () => {
  await fake.stop();
});

describe('StepFun image2image on the wire', () => {
  it('posts JSON with a Bearer key and every parameter', async () => {
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const image = await jpegImage(256, 192);
    const result = await runSynchronous(model, await call({
      image, strength: 0.35, seed: 945758, size: { width: 1280, height: 800 },
      providerOptions: { steps: 30, cfg_scale: 7.5, response_format: 'b64_json' },
    }));

    const [request] = fake.image2imageRequests();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/images/image2image');
    expect(request.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.json).toEqual({
      model: 'step-2x-large',
      prompt: '换成宫崎骏风格',
      source_url: `data:image/jpeg;base64,${image.bytes.toString('base64')}`,
      source_weight: 0.35,
      size: '1280x800',
      response_format: 'b64_json',
      seed: 945758,
      steps: 30,
      cfg_scale: 7.5,
    });
    expect(result.outputs).toHaveLength(1);
    expect(result.outputs[0].mediaType).toBe('image/png');
    expect(await sharp(result.outputs[0].bytes).metadata()).toMatchObject({ width: 1280, height: 800 });
    expect(result.usage).toEqual({ images: 1 });
    expect(result.warnings).toEqual([]);
  });

  it('defaults source_weight to 0.5 and asks for b64_json, sending nothing else optional', async () => {
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    await runSynchronous(model, await call());
    expect(Object.keys(fake.image2imageRequests()[0].json as object)).toEqual(['model', 'prompt', 'source_url', 'source_weight', 'response_format']);
    expect(fake.image2imageRequests()[0].json).toMatchObject({ source_weight: 0.5, response_format: 'b64_json' });
  });

  it('takes source_weight from provider options', async () => {
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    await runSynchronous(model, await call({ providerOptions: { source_weight: 0.8 } }));
    expect(fake.image2imageRequests()[0].json).toMatchObject({ source_weight: 0.8 });
  });

  it('downloads url results at once', async () => {
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const result = await runSynchronous(model, await call({ providerOptions: { response_format: 'url' } }));
    expect(fake.server.requests.map((request) => `${request.method} ${request.path.replace(/[0-9a-f-]{36}/, 'ID')}`))
      .toEqual(['POST /v1/images/image2image', 'GET /files/ID.png']);
    expect(result.outputs[0].mediaType).toBe('image/png');
  });

  it('reads the legacy `image` field', async () => {
    fake.useLegacyImageField();
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const result = await runSynchronous(model, await call());
    expect(result.outputs[0].mediaType).toBe('image/png');
  });

  it('makes n sequential requests with seed + i and reports progress', async () => {
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const callContext = testContext();
    const result = await runSynchronous(model, await call({ n: 3, seed: 10 }), callContext);
    expect(result.outputs).toHaveLength(3);
    expect(fake.image2imageRequests().map((request) => (request.json as { seed: number }).seed)).toEqual([10, 11, 12]);
    expect(callContext.progress).toEqual([33, 67, 100]);
    expect(result.usage).toEqual({ images: 3 });
  });

  it('converts WebP input to PNG and downsizes past 2048 px, with a warning', async () => {
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const webp = await sharp({ create: { width: 2200, height: 1100, channels: 3, background: '#446688' } }).webp().toBuffer();
    const result = await runSynchronous(model, await call({ image: { bytes: webp, mediaType: 'image/webp', width: 2200, height: 1100, hasAlpha: false } }));
    const sourceUrl = String((fake.image2imageRequests()[0].json as { source_url: string }).source_url);
    expect(sourceUrl.startsWith('data:image/png;base64,')).toBe(true);
    const sent = await sharp(Buffer.from(sourceUrl.split(',')[1], 'base64')).metadata();
    expect([sent.width, sent.height]).toEqual([2048, 1024]);
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'substituted', feature: 'image' })]);
  });

  it('with adapt_input false refuses an out-of-limit image instead of changing it, calling nothing', async () => {
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const webp = await sharp({ create: { width: 2200, height: 1100, channels: 3, background: '#446688' } }).webp().toBuffer();
    const image = { bytes: webp, mediaType: 'image/webp', width: 2200, height: 1100, hasAlpha: false };
    const error = await rejectionOf(model.start(await call({ image, providerOptions: { adapt_input: false } }), testContext()));
    expect(error.code).toBe('provider_cannot_serve');
    expect(error.status).toBe(400);
    expect(error.message).toContain('2200×1100 is outside 1–2048 px per side; WEBP is not one of png, jpeg');
    expect(fake.server.requests).toHaveLength(0);
  });

  it('warns about a mask, a style and seed 0 instead of sending them', async () => {
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const mask = { bytes: await sharp({ create: { width: 256, height: 192, channels: 3, background: '#ffffff' } }).png().toBuffer(), width: 256, height: 192 };
    const result = await runSynchronous(model, await call({ mask, style: 'watercolor', seed: 0 }));
    expect(result.warnings.map((warning) => warning.feature)).toEqual(['mask', 'style', 'seed']);
    expect(fake.image2imageRequests()[0].json).not.toHaveProperty('seed');
  });

  it('re-encodes the result into the requested output format', async () => {
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const result = await runSynchronous(model, await call({ outputFormat: 'jpeg' }));
    expect(result.outputs[0].mediaType).toBe('image/jpeg');
  });
});

describe('retirement (2026-10-10)', () => {
  it('maps the retired switch (404 on /v1/images/*) to upstream_endpoint_retired naming StepFun, the model and the date', async () => {
    fake.retire();
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_endpoint_retired');
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/^StepFun retired this endpoint \(model step-2x-large, HTTP 404 not_found: StepFun retired its image endpoints \(image2image included\) on 2026-10-10, see .*图像模型下线公告.*\); choose another provider or model$/);
  });

  it('treats a 400 whose message says the model is offline as retired too', async () => {
    fake.failNext({ kind: 'answer', answer: { status: 400, body: { error: { message: '该模型已下线', type: 'invalid_request_error' } } } });
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    expect((await rejectionOf(model.start(await call(), testContext()))).code).toBe('upstream_endpoint_retired');
  });

  it('refuses a model past its own retirement date on StepFun\'s hosts without calling', async () => {
    const official = settings({ baseUrl: 'https://api.stepfun.com/v1' });
    const model = new StepFunImageEditModel(step1xMedium, official, dependencies({ now: () => new Date('2026-07-09T00:00:00Z') }));
    const error = await rejectionOf(model.start(await call({ modelId: step1xMedium.id }), testContext()));
    expect(error.code).toBe('upstream_endpoint_retired');
    expect(error.message).toContain('step-1x-medium went offline on 2026-07-08');
    expect(fake.server.requests).toHaveLength(0);
  });

  it('refuses a model that STEPFUN_MODELS does not enable', async () => {
    const model = new StepFunImageEditModel(step1xMedium, settings({ models: ['step-2x-large'] }), dependencies());
    const error = await rejectionOf(model.start(await call({ modelId: step1xMedium.id }), testContext()));
    expect(error.code).toBe('provider_cannot_serve');
    expect(error.message).toContain('STEPFUN_MODELS');
  });
});

describe('errors', () => {
  it('maps a bad key (401 invalid_api_key) to upstream_auth_failed without echoing the key', async () => {
    const model = new StepFunImageEditModel(step2xLarge, settings({ apiKey: 'step-wrong-key-123456' }), dependencies());
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_auth_failed');
    expect(error.message).toBe('StepFun rejected the credentials (invalid_api_key): check the configured key');
    expect(JSON.stringify(error.toJSON())).not.toContain('step-wrong-key-123456');
  });

  it('retries 429 rate_limit_error honouring Retry-After, then succeeds', async () => {
    fake.throttleNext(2, 3);
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const result = await runSynchronous(model, await call());
    expect(result.outputs).toHaveLength(1);
    expect(sleeps).toEqual([3000, 3000]);
    expect(fake.image2imageRequests()).toHaveLength(3);
  });

  it('gives up on persistent throttling with upstream_rate_limited', async () => {
    fake.throttleNext(4, 1);
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_rate_limited');
    expect(error.message).toBe('StepFun is throttling requests (rate_limit_error); retried 3 times');
  });

  it('maps a 429 insufficient_quota to upstream_quota_exceeded, without retrying', async () => {
    fake.failNext({ kind: 'answer', answer: { status: 429, body: { error: { message: 'You exceeded your current quota', type: 'insufficient_quota' } } } });
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    expect((await rejectionOf(model.start(await call(), testContext()))).code).toBe('upstream_quota_exceeded');
    expect(sleeps).toEqual([]);
  });

  it('maps finish_reason content_filtered to upstream_content_rejected', async () => {
    fake.filterNextResults();
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_content_rejected');
    expect(error.message).toContain('content_filtered');
  });

  it('maps a 400 invalid_request_error to upstream_invalid_request with StepFun\'s message', async () => {
    fake.failNext({ kind: 'answer', answer: { status: 400, body: { error: { message: 'prompt contains unsupported characters', type: 'invalid_request_error' } } } });
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_invalid_request');
    expect(error.message).toBe('StepFun rejected the request (invalid_request_error): prompt contains unsupported characters');
  });

  it('maps a 5xx to upstream_unavailable that nobody resends (the image may have been made and billed)', async () => {
    fake.failNext({ kind: 'answer', answer: { status: 503, body: 'Service Unavailable' } });
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_unavailable');
    expect(error.retryable).toBe(false);
    expect(fake.image2imageRequests()).toHaveLength(1);
  });

  it('maps malformed JSON to upstream_bad_response', async () => {
    fake.failNext({ kind: 'malformed-json' });
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_bad_response');
    expect(error.retryable).toBe(false);
  });

  it('times out a hanging request', async () => {
    fake.failNext({ kind: 'hang' });
    const model = new StepFunImageEditModel(step2xLarge, settings({ requestTimeoutMs: 150 }), dependencies());
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_timeout');
    expect(error.message).toBe('StepFun did not answer within 150 ms');
  });

  it('retries a refused connection and reports upstream_unavailable when nothing ever listens', async () => {
    const model = new StepFunImageEditModel(step2xLarge, settings({ baseUrl: `${await refusedOrigin()}/v1`, throttleAttempts: 2 }), dependencies());
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_unavailable');
    expect(error.retryable).toBe(true);
    expect(sleeps).toHaveLength(1);
  });

  it('returns the images made before a later request failed, with a warning', async () => {
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    fake.server.script({ match: (request) => request.path === '/v1/images/image2image' && fake.image2imageRequests().length === 2, behaviour: { kind: 'answer', answer: { status: 500, body: 'boom' } } });
    const result = await runSynchronous(model, await call({ n: 3 }));
    expect(result.outputs).toHaveLength(1);
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'other', feature: 'n' })]);
    expect(fake.image2imageRequests()).toHaveLength(2);
  });

  it('keeps the key out of every log line', async () => {
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    await runSynchronous(model, await call());
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(fake.apiKey);
  });
});

describe('strict validation before any request', () => {
  const cases: Array<[string, Partial<GenerationCall>, string]> = [
    ['no prompt', { prompt: undefined }, 'Expected a non-empty prompt (StepFun image2image requires one) for prompt but received nothing'],
    ['a prompt over 1024 characters', { prompt: 'p'.repeat(1025) }, 'Expected a string of at most 1024 characters (StepFun\'s limit) for prompt'],
    ['a size StepFun does not make', { size: { width: 1024, height: 768 } }, 'Expected one of: 256x256, 512x512, 768x768, 1024x1024, 1280x800, 800x1280 (StepFun output sizes) for size but received "1024x768" (string)'],
    ['strength and source_weight together', { strength: 0.5, providerOptions: { source_weight: 0.5 } }, 'Expected either strength or provider_options.stepfun.source_weight, not both for strength'],
    ['a seed that overflows with n', { seed: 2147483647, n: 2 }, 'Expected an integer between 0 and 2147483646 (seed + n - 1 must stay within 2147483647) for seed'],
    ['steps 0', { providerOptions: { steps: 0 } }, 'Expected a number ≥ 1 for provider_options.stepfun.steps but received 0 (number)'],
    ['steps 101', { providerOptions: { steps: 101 } }, 'Expected a number ≤ 100 for provider_options.stepfun.steps but received 101 (number)'],
    ['cfg_scale 11', { providerOptions: { cfg_scale: 11 } }, 'Expected a number ≤ 10 for provider_options.stepfun.cfg_scale but received 11 (number)'],
    ['source_weight 0', { providerOptions: { source_weight: 0 } }, 'Expected a number > 0 for provider_options.stepfun.source_weight but received 0 (number)'],
    ['response_format png', { providerOptions: { response_format: 'png' } }, 'Expected one of: b64_json, url for provider_options.stepfun.response_format but received "png" (string)'],
    ['an unknown option', { providerOptions: { n: 2 } }, 'for provider_options.stepfun.n but received 2 (number)'],
    ['adapt_input "no"', { providerOptions: { adapt_input: 'no' } }, 'Expected a boolean for provider_options.stepfun.adapt_input but received "no" (string)'],
  ];

  it.each(cases)('refuses %s with parameter_invalid', async (_name, partial, expectedText) => {
    const model = new StepFunImageEditModel(step2xLarge, settings(), dependencies());
    const error = await rejectionOf(model.start(await call(partial), testContext()));
    expect(error.code).toBe('parameter_invalid');
    expect(error.message).toContain(expectedText);
    expect(fake.server.requests).toHaveLength(0);
  });
});
