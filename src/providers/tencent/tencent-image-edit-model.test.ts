import { schedulerResubmits } from '../../../test/fakes/scheduler-verdict.ts';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { refusedOrigin } from '../../../test/fakes/fake-server-kit.ts';
import { testCall, testContext } from '../../../test/fakes/generation-call-kit.ts';
import { recordingDependencies, runSynchronous, type RecordingDependencies } from '../../../test/fakes/model-test-kit.ts';
import { exampleTencentCredentials, startTencentFake, type TencentFake } from '../../../test/fakes/tencent-fake-server.ts';
import type { GenerationCall, ImageInput } from '../spec/generation-call.ts';
import { tencentImageToImage } from './tencent-capabilities.ts';
import { TencentImageEditModel } from './tencent-image-edit-model.ts';
import type { TencentSettings } from './tencent-settings.ts';

let fake: TencentFake;
let logLines: string[];
let sleeps: number[];
let dependencies: RecordingDependencies['dependencies'];

function settings(overrides: Partial<TencentSettings> = {}): TencentSettings {
  return {
    secretId: exampleTencentCredentials.secretId,
    secretKey: exampleTencentCredentials.secretKey,
    region: 'ap-guangzhou',
    endpoint: fake.url,
    requestTimeoutMs: 5_000,
    downloadTimeoutMs: 5_000,
    concurrency: 3,
    throttleAttempts: 5,
    throttleBaseDelayMs: 1_000,
    maxResponseBytes: 40 * 1024 * 1024,
    ...overrides,
  };
}

async function pngImage(width: number, height: number, alpha = false): Promise<ImageInput> {
  const bytes = await sharp({ create: { width, height, channels: alpha ? 4 : 3, background: { r: 200, g: 80, b: 40, alpha: 1 } } }).png().toBuffer();
  return { bytes, mediaType: 'image/png', width, height, hasAlpha: alpha };
}

async function call(partial: Partial<GenerationCall> = {}): Promise<GenerationCall> {
  return testCall(await pngImage(320, 240), { modelId: tencentImageToImage.id, ...partial });
}

beforeEach(async () => {
  fake = await startTencentFake();
  ({ logLines, sleeps, dependencies } = recordingDependencies(() => fake.clock));
});

afterEach(async () => {
  await fake.stop();
});

describe('Tencent ImageToImage on the wire', () => {
  it('sends one signed POST / with the X-TC headers and every parameter in Tencent spelling', async () => {
    const fixedNow = new Date(fake.clock.now());
    const model = new TencentImageEditModel(tencentImageToImage, settings({ region: 'ap-shanghai' }), dependencies());
    const image = await pngImage(320, 240);
    const result = await runSynchronous(model, await call({
      image,
      prompt: '清新自然的水彩风格',
      negativePrompt: 'blurry',
      strength: 0.7,
      style: 'watercolor',
      size: { width: 768, height: 1024 },
      providerOptions: {
        LogoAdd: 0,
        LogoParam: { LogoUrl: 'https://example.com/logo.png', LogoRect: { X: 10, Y: 20, Width: 100, Height: 40 } },
        RspImgType: 'base64',
        EnhanceImage: 1,
        RestoreFace: 2,
      },
    }));

    expect(fake.apiRequests()).toHaveLength(1);
    const [request] = fake.apiRequests();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-tc-action']).toBe('ImageToImage');
    expect(request.headers['x-tc-version']).toBe('2022-12-29');
    expect(request.headers['x-tc-region']).toBe('ap-shanghai');
    expect(request.headers['x-tc-timestamp']).toBe(String(Math.floor(fixedNow.getTime() / 1000)));
    expect(request.headers.authorization).toMatch(new RegExp(
      `^TC3-HMAC-SHA256 Credential=${exampleTencentCredentials.secretId}/${fixedNow.toISOString().slice(0, 10)}/aiart/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$`,
    ));
    // Only the headers Atelier chose: nothing else of ours (no X-TC-Token, no client headers).
    expect(Object.keys(request.headers).filter((name) => name.startsWith('x-tc-')).sort()).toEqual(['x-tc-action', 'x-tc-region', 'x-tc-timestamp', 'x-tc-version']);
    expect((request.json as Record<string, unknown>)).toEqual({
      InputImage: image.bytes.toString('base64'),
      Prompt: '清新自然的水彩风格',
      NegativePrompt: 'blurry',
      Styles: ['104'],
      ResultConfig: { Resolution: '768:1024' },
      LogoAdd: 0,
      LogoParam: { LogoUrl: 'https://example.com/logo.png', LogoRect: { X: 10, Y: 20, Width: 100, Height: 40 } },
      Strength: 0.7,
      RspImgType: 'base64',
      EnhanceImage: 1,
      RestoreFace: 2,
    });
    // Raw UTF-8 on the wire, as signed (not \u escapes).
    expect(request.rawBody.toString('utf8')).toContain('清新自然的水彩风格');

    expect(result.outputs).toHaveLength(1);
    expect(result.outputs[0].mediaType).toBe('image/jpeg');
    expect(await sharp(result.outputs[0].bytes).metadata()).toMatchObject({ width: 768, height: 1024 });
    expect(result.usage).toEqual({ images: 1 });
    expect(result.warnings).toEqual([]);
  });

  it('sends X-TC-Token with temporary (STS) credentials, outside the signed headers, and never logs or echoes it', async () => {
    await fake.stop();
    const token = 'sts-token-for-atelier-test-0123456789';
    fake = await startTencentFake({ sessionTokens: { [exampleTencentCredentials.secretId]: token } });
    ({ logLines, sleeps, dependencies } = recordingDependencies(() => fake.clock));
    // Without the token the fake refuses the temporary credentials, as Tencent does.
    const refused = await rejectionOf(runSynchronous(new TencentImageEditModel(tencentImageToImage, settings(), dependencies()), await call()));
    expect(refused.code).toBe('upstream_auth_failed');
    expect(refused.message).not.toContain(token);

    const model = new TencentImageEditModel(tencentImageToImage, settings({ sessionToken: token }), dependencies());
    const result = await runSynchronous(model, await call());
    expect(result.outputs).toHaveLength(1);
    const request = fake.apiRequests().at(-1)!;
    expect(request.headers['x-tc-token']).toBe(token);
    expect(request.headers.authorization).toContain('SignedHeaders=content-type;host,');
    expect(logLines.join('\n')).not.toContain(token);
  });

  it('sends only what was asked for: no Strength, Styles or ResultConfig by default', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    const generationCall = await call();
    await runSynchronous(model, generationCall);
    expect(fake.apiRequests()[0].json).toEqual({ InputImage: generationCall.image.bytes.toString('base64') });
  });

  it('passes Tencent style ids, Styles and ResultConfig options through', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    await runSynchronous(model, await call({ style: '201' }));
    await runSynchronous(model, await call({ providerOptions: { Styles: ['133'], ResultConfig: { Resolution: 'origin' } } }));
    expect((fake.apiRequests()[0].json as Record<string, unknown>)?.Styles).toEqual(['201']);
    expect(fake.apiRequests()[1].json).toMatchObject({ Styles: ['133'], ResultConfig: { Resolution: 'origin' } });
  });

  it('sends InputUrl instead of InputImage when provider_options.tencent.InputUrl is given', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    await runSynchronous(model, await call({ providerOptions: { InputUrl: 'https://example.com/photo.jpg' } }));
    expect(fake.apiRequests()[0].json).toEqual({ InputUrl: 'https://example.com/photo.jpg' });
  });

  it('downloads url results at once (they live one hour)', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    const result = await runSynchronous(model, await call({ providerOptions: { RspImgType: 'url' } }));
    expect((fake.apiRequests()[0].json as Record<string, unknown>)?.RspImgType).toBe('url');
    expect(result.outputs[0].mediaType).toBe('image/jpeg');
    expect((await sharp(result.outputs[0].bytes).metadata()).width).toBe(320);
  });

  it('re-encodes the result when another output format is asked for', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    const result = await runSynchronous(model, await call({ outputFormat: 'png' }));
    expect(result.outputs[0].mediaType).toBe('image/png');
    expect((await sharp(result.outputs[0].bytes).metadata()).format).toBe('png');
  });

  it('warns instead of sending a mask or a seed', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    const mask = { bytes: await sharp({ create: { width: 320, height: 240, channels: 3, background: '#ffffff' } }).toColourspace('b-w').png().toBuffer(), width: 320, height: 240 };
    const result = await runSynchronous(model, await call({ mask, seed: 42 }));
    expect(result.warnings.map((warning) => [warning.type, warning.feature])).toEqual([['unsupported', 'mask'], ['unsupported', 'seed']]);
    expect(Object.keys(fake.apiRequests()[0].json as object)).toEqual(['InputImage']);
  });
});

describe('input adaptation to Tencent limits', () => {
  it('scales a small image up past 50 px with a substituted warning', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    const result = await runSynchronous(model, await call({ image: await pngImage(40, 30) }));
    const sent = await sharp(Buffer.from(String((fake.apiRequests()[0].json as Record<string, unknown>)?.InputImage), 'base64')).metadata();
    expect(Math.min(sent.width ?? 0, sent.height ?? 0)).toBeGreaterThanOrEqual(51);
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'substituted', feature: 'image' })]);
  });

  it('scales a large image down to 2000 px on the long side (ImageResolutionExceed otherwise)', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    const result = await runSynchronous(model, await call({ image: await pngImage(2400, 1200) }));
    const sent = await sharp(Buffer.from(String((fake.apiRequests()[0].json as Record<string, unknown>)?.InputImage), 'base64')).metadata();
    expect([sent.width, sent.height]).toEqual([2000, 1000]);
    expect(result.warnings[0]).toMatchObject({ type: 'substituted', feature: 'image' });
  });

  it('re-encodes formats Tencent does not read (GIF) as PNG', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    const gif = await sharp({ create: { width: 100, height: 80, channels: 3, background: '#3366aa' } }).gif().toBuffer();
    const result = await runSynchronous(model, await call({ image: { bytes: gif, mediaType: 'image/gif', width: 100, height: 80, hasAlpha: false } }));
    const sent = Buffer.from(String((fake.apiRequests()[0].json as Record<string, unknown>)?.InputImage), 'base64');
    expect((await sharp(sent).metadata()).format).toBe('png');
    expect(result.warnings[0].details).toContain('GIF');
  });

  it('with adapt_input false refuses an out-of-limit image instead of changing it, calling nothing', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    const error = await rejectionOf(model.start(await call({ image: await pngImage(2400, 1200), providerOptions: { adapt_input: false } }), testContext()));
    expect(error.code).toBe('provider_cannot_serve');
    expect(error.status).toBe(400);
    expect(error.message).toContain('2400×1200 is outside 51–2000 px per side');
    expect(fake.apiRequests()).toHaveLength(0);
  });

  describe('InputImage "< 8 MB after base64 encoding" (spec §3), MB = 1024 × 1024', () => {
    const eightMegabytes = 8 * 1024 * 1024;
    /** A decodable 320×240 PNG padded after IEND to exactly the raw length whose base64 is `base64Length` long. */
    async function pngWithBase64Length(base64Length: number): Promise<ImageInput> {
      const image = await pngImage(320, 240);
      const bytes = Buffer.concat([image.bytes, Buffer.alloc((base64Length / 4) * 3 - image.bytes.length)]);
      expect(bytes.toString('base64')).toHaveLength(base64Length);
      return { ...image, bytes };
    }

    it('with adapt_input false refuses an image of exactly 8 MB of base64, calling nothing', async () => {
      const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
      const image = await pngWithBase64Length(eightMegabytes);
      const error = await rejectionOf(model.start(await call({ image, providerOptions: { adapt_input: false } }), testContext()));
      expect(error.code).toBe('provider_cannot_serve');
      expect(error.status).toBe(400);
      expect(error.message).toContain(`${eightMegabytes} bytes of base64 exceeds ${eightMegabytes - 1} bytes`);
      expect(fake.apiRequests()).toHaveLength(0);
    });

    it('by default re-encodes an image of exactly 8 MB of base64 to below it, with a warning', async () => {
      const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
      const result = await runSynchronous(model, await call({ image: await pngWithBase64Length(eightMegabytes) }));
      const sent = String((fake.apiRequests()[0].json as Record<string, unknown>)?.InputImage);
      expect(sent.length).toBeLessThan(eightMegabytes);
      expect((await sharp(Buffer.from(sent, 'base64')).metadata()).width).toBe(320);
      expect(result.warnings).toEqual([expect.objectContaining({ type: 'substituted', feature: 'image' })]);
      expect(result.warnings[0].details).toContain(`${eightMegabytes} bytes of base64 exceeds`);
    });

    it('sends an image one base64 quantum below 8 MB as it is, even with adapt_input false', async () => {
      const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
      const image = await pngWithBase64Length(eightMegabytes - 4);
      const result = await runSynchronous(model, await call({ image, providerOptions: { adapt_input: false } }));
      expect((fake.apiRequests()[0].json as Record<string, unknown>)?.InputImage).toBe(image.bytes.toString('base64'));
      expect(result.warnings).toEqual([]);
    });
  });
});

describe('n outputs and the per-account job limit', () => {
  it('makes n calls, at most 3 at once, and reports progress', async () => {
    await fake.stop();
    fake = await startTencentFake({ latencyMs: 150 });
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    const callContext = testContext();
    const result = await runSynchronous(model, await call({ n: 4 }), callContext);
    expect(result.outputs).toHaveLength(4);
    expect(result.usage).toEqual({ images: 4 });
    expect(fake.apiRequests()).toHaveLength(4);
    expect(fake.peakConcurrentJobs()).toBe(3);
    expect(callContext.progress).toEqual([25, 50, 75, 100]);
  });

  it('returns the images that succeeded, with a warning, when some of the n calls fail', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings({ concurrency: 1 }), dependencies());
    fake.failNextWith({ code: 'OperationDenied.ImageIllegalDetected', message: 'image illegal' });
    const result = await runSynchronous(model, await call({ n: 2 }));
    expect(result.outputs).toHaveLength(1);
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'other', feature: 'n' })]);
    expect(result.warnings[0].details).toContain('1 of 2 Tencent calls failed');
  });
});

describe('throttling', () => {
  it('retries RequestLimitExceeded with growing backoff, then succeeds', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    fake.failNextWith({ code: 'RequestLimitExceeded.JobNumExceed' }, { code: 'RequestLimitExceeded' });
    const result = await runSynchronous(model, await call());
    expect(result.outputs).toHaveLength(1);
    expect(fake.apiRequests()).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    // Equal jitter: retry k waits between half and all of base·2^k.
    expect(sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(sleeps[0]).toBeLessThanOrEqual(1000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(1000);
    expect(sleeps[1]).toBeLessThanOrEqual(2000);
    // Every retry is signed afresh; the body bytes stay identical.
    expect(new Set(fake.apiRequests().map((request) => request.rawBody.toString('base64'))).size).toBe(1);
  });

  it('gives up after the configured attempts with upstream_rate_limited naming the retries', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings({ throttleAttempts: 3 }), dependencies());
    fake.failNextWith(...Array.from({ length: 3 }, () => ({ code: 'RequestLimitExceeded' })));
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_rate_limited');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Tencent Cloud aiart is throttling requests (RequestLimitExceeded); retried 2 times');
    expect(fake.apiRequests()).toHaveLength(3);
  });

  it('honours Retry-After on an HTTP 429 from a gateway in front of Tencent', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    fake.failNext({ kind: 'answer', answer: { status: 429, headers: { 'retry-after': '7' }, body: { message: 'slow down' } } });
    const result = await runSynchronous(model, await call());
    expect(result.outputs).toHaveLength(1);
    expect(sleeps).toEqual([7000]);
  });
});

describe('errors', () => {
  it.each([
    ['OperationDenied.ImageIllegalDetected', 'upstream_content_rejected', false],
    ['OperationDenied.TextIllegalDetected', 'upstream_content_rejected', false],
    ['FailedOperation.GenerateImageFailed', 'upstream_content_rejected', true],
    ['ResourceUnavailable.LowBalance', 'upstream_quota_exceeded', false],
    ['ResourceUnavailable.InArrears', 'upstream_quota_exceeded', false],
    ['FailedOperation.InnerError', 'upstream_unavailable', true],
    ['FailedOperation.RpcFail', 'upstream_unavailable', true],
    ['InvalidParameterValue.ParameterValueError', 'upstream_invalid_request', false],
    ['AuthFailure.UnauthorizedOperation', 'upstream_auth_failed', false],
    ['ActionOffline', 'upstream_endpoint_retired', false],
  ])('maps %s to %s (retryable %s, and resubmitted by the scheduler only when Tencent made nothing)', async (providerCode, code, retryable) => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    fake.failNextWith({ code: providerCode, message: 'upstream says no' });
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(providerCode);
    expect(fake.apiRequests()).toHaveLength(1);
    // An error answer is Tencent saying the call failed: when spec §5 says to try again, the scheduler may, except
    // after an image was generated and failed review (GenerateImageFailed): that call may have been billed.
    expect(schedulerResubmits(error)).toBe(retryable && code !== 'upstream_content_rejected');
  });

  it('reports a wrong secret key as upstream_auth_failed (the fake recomputes the signature)', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings({ secretKey: 'WrongSecretKeyWrongSecretKey0000' }), dependencies());
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_auth_failed');
    expect(error.message).toBe('Tencent Cloud aiart rejected the credentials (AuthFailure.SignatureFailure): check the configured key');
    expect(error.message).not.toContain('WrongSecretKey');
  });

  it('reports an unknown SecretId', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings({ secretId: 'AKIDunknownunknownunknown000000000' }), dependencies());
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_auth_failed');
    expect(error.message).toContain('AuthFailure.SecretIdNotFound');
  });

  it('blames the clock, not the key, for AuthFailure.SignatureExpire', async () => {
    const skewed = () => new Date(fake.clock.now() - 10 * 60 * 1000);
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies({ now: skewed }));
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_auth_failed');
    expect(error.message).toContain('AuthFailure.SignatureExpire');
    expect(error.message).toContain('clock');
  });

  it('names the region setting for UnsupportedRegion', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings({ region: 'eu-frankfurt' }), dependencies());
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_invalid_request');
    expect(error.message).toContain('UnsupportedRegion');
    expect(error.message).toContain('TENCENTCLOUD_REGION');
  });

  it('maps a 5xx from a gateway to upstream_unavailable that nobody retries (the job may have run and been billed)', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    fake.failNext({ kind: 'answer', answer: { status: 502, body: '<html>bad gateway</html>' } });
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_unavailable');
    expect(error.retryable).toBe(false);
    expect(fake.apiRequests()).toHaveLength(1);
  });

  it('maps malformed JSON to upstream_bad_response that nobody retries', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    fake.failNext({ kind: 'malformed-json' });
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_bad_response');
    expect(error.retryable).toBe(false);
  });

  it('retries a refused connection and then reports retryable upstream_unavailable', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings({ endpoint: await refusedOrigin(), throttleAttempts: 2 }), dependencies());
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_unavailable');
    expect(error.retryable).toBe(true);
    expect(sleeps).toHaveLength(1);
  });

  it('maps an answer without ResultImage to upstream_bad_response', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    fake.failNext({ kind: 'answer', answer: { status: 200, body: { Response: { RequestId: 'x' } } } });
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_bad_response');
    expect(error.message).toContain('ResultImage');
  });

  it('times out a hanging call with upstream_timeout', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings({ requestTimeoutMs: 200 }), dependencies());
    fake.failNext({ kind: 'hang' });
    const error = await rejectionOf(model.start(await call(), testContext()));
    expect(error.code).toBe('upstream_timeout');
    expect(error.message).toBe('Tencent Cloud aiart did not answer within 200 ms');
  });

  it('rejects with the caller\'s abort reason when the job is cancelled mid-call', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    fake.failNext({ kind: 'hang' });
    const controller = new AbortController();
    const reason = new Error('cancelled by client');
    setTimeout(() => controller.abort(reason), 100);
    await expect(model.start(await call(), testContext(controller.signal))).rejects.toBe(reason);
  });

  it('never puts a credential into an error or a log line', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    // An upstream that echoes the key back in its message must not leak it either.
    fake.failNextWith({ code: 'InvalidParameter', message: `bad key ${exampleTencentCredentials.secretKey}` });
    const error = await rejectionOf(model.start(await call(), testContext()));
    const everything = [error.message, JSON.stringify(error.toJSON()), ...logLines].join('\n');
    expect(everything).not.toContain(exampleTencentCredentials.secretKey);
  });
});

describe('the fake itself', () => {
  it('expires url results after a fake hour (Tencent links live one hour)', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    await runSynchronous(model, await call({ providerOptions: { RspImgType: 'url' } }));
    const [download] = fake.resultDownloads();
    expect((await fetch(`${fake.url}${download.path}`)).status).toBe(200);
    fake.clock.advance(61 * 60 * 1000);
    expect((await fetch(`${fake.url}${download.path}`)).status).toBe(403);
  });
});

describe('strict validation before any call', () => {
  it('refuses a call without an image with AOG\'s parameter_missing text', async () => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    const broken = { ...(await call()), image: undefined } as unknown as GenerationCall;
    const error = await rejectionOf(model.start(broken, testContext()));
    expect(error.message).toBe('image request param lost');
    expect(fake.apiRequests()).toHaveLength(0);
  });

  const cases: Array<[string, Partial<GenerationCall>, string]> = [
    ['a prompt over 256 characters', { prompt: '猫'.repeat(257) }, `Expected a string of at most 256 characters (Tencent's limit) for prompt but received "${'猫'.repeat(57)}..." (string)`],
    ['a negative prompt over 256 characters', { negativePrompt: 'x'.repeat(300) }, 'for negative_prompt'],
    ['an unknown style', { style: 'pixel-art' }, 'for style but received "pixel-art" (string)'],
    ['style and Styles together', { style: '104', providerOptions: { Styles: ['201'] } }, 'Expected either style or provider_options.tencent.Styles, not both for style'],
    ['a size Tencent does not make', { size: { width: 1024, height: 1024 } }, 'Expected one of: 768x768, 768x1024, 1024x768 (Tencent output sizes; omit size to keep the input size) for size but received "1024x1024" (string)'],
    ['strength 0', { strength: 0 }, 'Expected a number greater than 0 and at most 1 for strength but received 0 (number)'],
    ['n 5', { n: 5 }, 'Expected an integer between 1 and 4 for n but received 5 (number)'],
    ['LogoAdd 2', { providerOptions: { LogoAdd: 2 } }, 'Expected a number ≤ 1 for provider_options.tencent.LogoAdd but received 2 (number)'],
    ['RestoreFace 7', { providerOptions: { RestoreFace: 7 } }, 'Expected a number ≤ 6 for provider_options.tencent.RestoreFace but received 7 (number)'],
    ['EnhanceImage "yes"', { providerOptions: { EnhanceImage: 'yes' } }, 'for provider_options.tencent.EnhanceImage but received "yes" (string)'],
    ['RspImgType jpeg', { providerOptions: { RspImgType: 'jpeg' } }, 'Expected one of: base64, url for provider_options.tencent.RspImgType but received "jpeg" (string)'],
    ['two Styles', { providerOptions: { Styles: ['104', '201'] } }, 'Expected an array with exactly one style id, e.g. ["104"] for provider_options.tencent.Styles'],
    ['an unknown style id', { providerOptions: { Styles: ['999'] } }, 'for provider_options.tencent.Styles.0 but received "999" (string)'],
    ['a bad resolution', { providerOptions: { ResultConfig: { Resolution: '512:512' } } }, 'Expected one of: origin, 768:768, 768:1024, 1024:768 for provider_options.tencent.ResultConfig.Resolution'],
    ['LogoUrl and LogoImage together', { providerOptions: { LogoParam: { LogoUrl: 'https://example.com/a.png', LogoImage: 'aGVsbG8=' } } }, 'Expected either LogoUrl or LogoImage, not both for provider_options.tencent.LogoParam'],
    ['a negative LogoRect', { providerOptions: { LogoParam: { LogoRect: { X: -1, Y: 0, Width: 10, Height: 10 } } } }, 'for provider_options.tencent.LogoParam.LogoRect.X but received -1 (number)'],
    ['an ftp InputUrl', { providerOptions: { InputUrl: 'ftp://example.com/a.png' } }, 'Expected an absolute http or https URL for provider_options.tencent.InputUrl'],
    ['an unknown option', { providerOptions: { Prompt: 'sneaky' } }, 'for provider_options.tencent.Prompt but received "sneaky" (string)'],
    ['adapt_input "no"', { providerOptions: { adapt_input: 'no' } }, 'Expected a boolean for provider_options.tencent.adapt_input but received "no" (string)'],
  ];

  it.each(cases)('refuses %s with parameter_invalid', async (_name, partial, expectedText) => {
    const model = new TencentImageEditModel(tencentImageToImage, settings(), dependencies());
    const error = await rejectionOf(model.start(await call(partial), testContext()));
    expect(error.code).toBe('parameter_invalid');
    expect(error.status).toBe(400);
    expect(error.message).toContain(expectedText);
    expect(fake.apiRequests()).toHaveLength(0);
  });
});
