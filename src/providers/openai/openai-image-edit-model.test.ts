import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { testCall, testContext } from '../../../test/fakes/generation-call-kit.ts';
import { recordingDependencies, runSynchronous, type RecordingDependencies } from '../../../test/fakes/model-test-kit.ts';
import { startOpenAiFake, type OpenAiFake } from '../../../test/fakes/openai-fake-server.ts';
import { openAiFakeSettings } from '../../../test/fakes/openai-test-setup.ts';
import type { GenerationCall, ImageInput, MaskInput } from '../spec/generation-call.ts';
import { findOpenAiModel, type OpenAiModelCapabilities } from './openai-capabilities.ts';
import { OpenAiImageEditModel } from './openai-image-edit-model.ts';
import type { OpenAiSettings } from './openai-settings.ts';

const model = (id: string): OpenAiModelCapabilities => findOpenAiModel(id)!;

let fake: OpenAiFake;
let sleeps: number[];
let logLines: string[];
let dependencies: RecordingDependencies['dependencies'];

const settings = (overrides: Partial<OpenAiSettings> = {}) => openAiFakeSettings(fake, overrides);

async function pngImage(width: number, height: number): Promise<ImageInput> {
  const bytes = await sharp({ create: { width, height, channels: 3, background: { r: 20, g: 90, b: 200 } } }).png().toBuffer();
  return { bytes, mediaType: 'image/png', width, height, hasAlpha: false };
}

/** Canonical mask (single-channel, white = edit) whose left half is white. */
async function leftHalfMask(width: number, height: number): Promise<MaskInput> {
  const plane = Buffer.alloc(width * height);
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width / 2; x += 1) plane[y * width + x] = 255;
  const bytes = await sharp(plane, { raw: { width, height, channels: 1 } }).png().toBuffer();
  return { bytes, width, height };
}

async function call(partial: Partial<GenerationCall> = {}): Promise<GenerationCall> {
  return testCall(await pngImage(64, 48), { modelId: 'gpt-image-1.5', prompt: 'make it sunset', ...partial });
}

beforeEach(async () => {
  fake = await startOpenAiFake();
  ({ sleeps, logLines, dependencies } = recordingDependencies(() => fake.clock));
});

afterEach(async () => {
  await fake.stop();
});

describe('OpenAI images/edits on the wire', () => {
  it('posts multipart with image, alpha mask and every documented field', async () => {
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings({ organization: 'org-123', project: 'proj_456' }), dependencies());
    const image = await pngImage(64, 48);
    const result = await runSynchronous(edit, await call({
      image,
      mask: await leftHalfMask(64, 48),
      n: 2,
      size: { width: 1536, height: 1024 },
      outputFormat: 'webp',
      providerOptions: { quality: 'high', background: 'opaque', output_compression: 80, input_fidelity: 'high', user: 'user-42' },
    }));

    const [request] = fake.editRequests();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/images/edits');
    expect(request.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(request.headers['openai-organization']).toBe('org-123');
    expect(request.headers['openai-project']).toBe('proj_456');
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const parts = await fake.parts(request);
    expect(parts.map((part) => [part.name, part.filename, part.contentType, part.value])).toEqual([
      ['image', 'image-1.png', 'image/png', undefined],
      ['mask', 'mask.png', 'image/png', undefined],
      ['prompt', undefined, undefined, 'make it sunset'],
      ['model', undefined, undefined, 'gpt-image-1.5'],
      ['n', undefined, undefined, '2'],
      ['size', undefined, undefined, '1536x1024'],
      ['quality', undefined, undefined, 'high'],
      ['background', undefined, undefined, 'opaque'],
      ['output_format', undefined, undefined, 'webp'],
      ['output_compression', undefined, undefined, '80'],
      ['input_fidelity', undefined, undefined, 'high'],
      ['user', undefined, undefined, 'user-42'],
    ]);
    expect(parts[0].bytes?.equals(image.bytes)).toBe(true);

    // White (edit) in the canonical mask became alpha 0; black (keep) became opaque.
    const maskAlpha = await sharp(parts[1].bytes!).ensureAlpha().extractChannel(3).raw().toBuffer();
    expect(maskAlpha[0]).toBe(0);
    expect(maskAlpha[63]).toBe(255);

    expect(result.outputs).toHaveLength(2);
    expect(result.outputs.every((output) => output.mediaType === 'image/webp')).toBe(true);
    expect(result.usage).toEqual({ images: 2 });
    expect(result.warnings).toEqual([]);
  });

  it('edits only where the canonical mask is white (the fake paints alpha-0 pixels red)', async () => {
    const edit = new OpenAiImageEditModel(model('gpt-image-1'), settings(), dependencies());
    const result = await runSynchronous(edit, await call({ mask: await leftHalfMask(64, 48) }));
    const { data } = await sharp(result.outputs[0].bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([...data.subarray(0, 3)]).toEqual([255, 0, 0]);
    const lastPixel = (64 * 48 - 1) * 3;
    expect([...data.subarray(lastPixel, lastPixel + 3)]).toEqual([20, 90, 200]);
  });

  it('sends several images as image[] parts (the mask applies to the first)', async () => {
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings(), dependencies());
    const extra = (await sharp({ create: { width: 32, height: 32, channels: 3, background: '#00ff00' } }).jpeg().toBuffer()).toString('base64');
    const result = await runSynchronous(edit, await call({ mask: await leftHalfMask(64, 48), providerOptions: { extra_images: [extra, `data:image/jpeg;base64,${extra}`] } }));
    const parts = await fake.parts(fake.editRequests()[0]);
    expect(parts.filter((part) => part.bytes !== undefined).map((part) => [part.name, part.filename, part.contentType])).toEqual([
      ['image[]', 'image-1.png', 'image/png'],
      ['image[]', 'image-2.jpg', 'image/jpeg'],
      ['image[]', 'image-3.jpg', 'image/jpeg'],
      ['mask', 'mask.png', 'image/png'],
    ]);
    expect(result.warnings).toEqual([expect.objectContaining({ feature: 'mask', type: 'other' })]);
  });

  it('sends no Authorization header to a keyless local server on loopback', async () => {
    await fake.stop();
    fake = await startOpenAiFake({ apiKey: null });
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings({ apiKey: undefined }), dependencies());
    const result = await runSynchronous(edit, await call());
    expect(fake.editRequests()[0].headers.authorization).toBeUndefined();
    expect(result.outputs).toHaveLength(1);
  });

  it('warns about seed, strength, negative prompt and style instead of sending them', async () => {
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings(), dependencies());
    const result = await runSynchronous(edit, await call({ seed: 7, strength: 0.4, negativePrompt: 'blur', style: 'watercolor' }));
    expect(result.warnings.map((warning) => [warning.type, warning.feature])).toEqual([
      ['unsupported', 'seed'], ['unsupported', 'strength'], ['unsupported', 'negative_prompt'], ['unsupported', 'style'],
    ]);
    expect(result.warnings[1].details).toContain('input_fidelity');
    const names = (await fake.parts(fake.editRequests()[0])).map((part) => part.name);
    expect(names).toEqual(['image', 'prompt', 'model', 'n']);
  });

  it('accepts gpt-image-2 free-form sizes within its rules', async () => {
    const edit = new OpenAiImageEditModel(model('gpt-image-2'), settings(), dependencies());
    await runSynchronous(edit, await call({ modelId: 'gpt-image-2', size: { width: 1280, height: 720 } }));
    expect((await fake.parts(fake.editRequests()[0])).find((part) => part.name === 'size')?.value).toBe('1280x720');
  });

  it('passes size "auto" from the options', async () => {
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings(), dependencies());
    await runSynchronous(edit, await call({ providerOptions: { size: 'auto' } }));
    expect((await fake.parts(fake.editRequests()[0])).find((part) => part.name === 'size')?.value).toBe('auto');
  });
});

describe('dall-e-2', () => {
  it('asks for b64_json by default and re-encodes to the requested format', async () => {
    const edit = new OpenAiImageEditModel(model('dall-e-2'), settings(), dependencies());
    const result = await runSynchronous(edit, await call({ modelId: 'dall-e-2', image: await pngImage(64, 64), size: { width: 256, height: 256 }, outputFormat: 'jpeg' }));
    const parts = await fake.parts(fake.editRequests()[0]);
    expect(parts.find((part) => part.name === 'response_format')?.value).toBe('b64_json');
    expect(parts.find((part) => part.name === 'output_format')).toBeUndefined();
    expect(result.outputs[0].mediaType).toBe('image/jpeg');
    expect((await sharp(result.outputs[0].bytes).metadata()).width).toBe(256);
  });

  it('downloads url results at once', async () => {
    const edit = new OpenAiImageEditModel(model('dall-e-2'), settings(), dependencies());
    const result = await runSynchronous(edit, await call({ modelId: 'dall-e-2', image: await pngImage(64, 64), n: 2, providerOptions: { response_format: 'url' } }));
    expect(fake.server.requests.map((request) => request.method)).toEqual(['POST', 'GET', 'GET']);
    expect(result.outputs).toHaveLength(2);
  });

  it('converts a JPEG input to PNG with a warning', async () => {
    const edit = new OpenAiImageEditModel(model('dall-e-2'), settings(), dependencies());
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#884422' } }).jpeg().toBuffer();
    const result = await runSynchronous(edit, await call({ modelId: 'dall-e-2', image: { bytes: jpeg, mediaType: 'image/jpeg', width: 64, height: 64, hasAlpha: false } }));
    expect((await fake.parts(fake.editRequests()[0]))[0].contentType).toBe('image/png');
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'substituted', feature: 'image' })]);
  });

  it('with adapt_input false refuses a JPEG input instead of converting it, calling nothing', async () => {
    const edit = new OpenAiImageEditModel(model('dall-e-2'), settings(), dependencies());
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#884422' } }).jpeg().toBuffer();
    const image = { bytes: jpeg, mediaType: 'image/jpeg', width: 64, height: 64, hasAlpha: false };
    const error = await rejectionOf(edit.start(await call({ modelId: 'dall-e-2', image, providerOptions: { adapt_input: false } }), testContext()));
    expect(error.code).toBe('provider_cannot_serve');
    expect(error.status).toBe(400);
    expect(error.message).toContain('JPEG is not one of png');
    expect(fake.server.requests).toHaveLength(0);
  });

  it('refuses a non-square image rather than cropping it', async () => {
    const edit = new OpenAiImageEditModel(model('dall-e-2'), settings(), dependencies());
    const error = await rejectionOf(edit.start(await call({ modelId: 'dall-e-2' }), testContext()));
    expect(error.code).toBe('provider_cannot_serve');
    expect(error.message).toContain('square');
    expect(fake.server.requests).toHaveLength(0);
  });
});

describe('errors', () => {
  it('maps a bad key to upstream_auth_failed and scrubs the key OpenAI echoes back', async () => {
    const wrongKey = 'sk-wrong-key-0123456789abcdef';
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings({ apiKey: wrongKey }), dependencies());
    const error = await rejectionOf(edit.start(await call(), testContext()));
    expect(error.code).toBe('upstream_auth_failed');
    expect(error.message).toBe('OpenAI rejected the credentials (invalid_api_key): check the configured key');
    expect([JSON.stringify(error.toJSON()), ...logLines].join('\n')).not.toContain(wrongKey);
  });

  it('maps moderation_blocked to upstream_content_rejected', async () => {
    fake.blockNextForModeration();
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings(), dependencies());
    const error = await rejectionOf(edit.start(await call(), testContext()));
    expect(error.code).toBe('upstream_content_rejected');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('moderation_blocked');
  });

  it('retries 429 honouring retry-after, then succeeds', async () => {
    fake.throttleNext(2, 5);
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings(), dependencies());
    const result = await runSynchronous(edit, await call());
    expect(result.outputs).toHaveLength(1);
    expect(sleeps).toEqual([5000, 5000]);
    expect(fake.editRequests()).toHaveLength(3);
  });

  it('does not retry a 429 insufficient_quota: it is a billing problem', async () => {
    fake.throttleNext(1, 1, 'insufficient_quota');
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings(), dependencies());
    const error = await rejectionOf(edit.start(await call(), testContext()));
    expect(error.code).toBe('upstream_quota_exceeded');
    expect(sleeps).toEqual([]);
  });

  it('maps an unknown model (404) to upstream_invalid_request, never "retired"', async () => {
    await fake.stop();
    fake = await startOpenAiFake({ models: ['gpt-image-1'] });
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings(), dependencies());
    const error = await rejectionOf(edit.start(await call(), testContext()));
    expect(error.code).toBe('upstream_invalid_request');
    expect(error.message).toContain('model_not_found');
    expect(error.message).toContain('OPENAI_BASE_URL');
  });

  it('keeps OpenAI\'s param and x-request-id in an invalid-request message', async () => {
    fake.failNext({ kind: 'answer', answer: { status: 400, headers: { 'x-request-id': 'req_abc123' }, body: { error: { message: 'Invalid size', type: 'invalid_request_error', param: 'size', code: null } } } });
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings(), dependencies());
    const error = await rejectionOf(edit.start(await call(), testContext()));
    expect(error.message).toBe('OpenAI rejected the request (invalid_request_error): Invalid size (param size) (x-request-id req_abc123)');
  });

  it('maps 500 to upstream_unavailable that nobody resends (images may have been made and billed)', async () => {
    fake.failNext({ kind: 'answer', answer: { status: 500, body: { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } } } });
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings(), dependencies());
    const error = await rejectionOf(edit.start(await call(), testContext()));
    expect(error.code).toBe('upstream_unavailable');
    expect(error.retryable).toBe(false);
    expect(fake.editRequests()).toHaveLength(1);
  });

  it('maps malformed JSON to upstream_bad_response', async () => {
    fake.failNext({ kind: 'malformed-json' });
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings(), dependencies());
    expect((await rejectionOf(edit.start(await call(), testContext()))).code).toBe('upstream_bad_response');
  });

  it('times out a hanging call', async () => {
    fake.failNext({ kind: 'hang' });
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings({ requestTimeoutMs: 150 }), dependencies());
    const error = await rejectionOf(edit.start(await call(), testContext()));
    expect(error.code).toBe('upstream_timeout');
    expect(error.message).toBe('OpenAI did not answer within 150 ms');
  });

  it('rejects with the caller\'s abort reason', async () => {
    fake.failNext({ kind: 'hang' });
    const edit = new OpenAiImageEditModel(model('gpt-image-1.5'), settings(), dependencies());
    const controller = new AbortController();
    const reason = new Error('client went away');
    setTimeout(() => controller.abort(reason), 50);
    await expect(edit.start(await call(), testContext(controller.signal))).rejects.toBe(reason);
  });
});

describe('strict validation before any call', () => {
  const cases: Array<[string, string, Partial<GenerationCall>, string]> = [
    ['no prompt', 'gpt-image-1.5', { prompt: undefined }, 'Expected a non-empty prompt (OpenAI image edits require one) for prompt but received nothing'],
    ['a dall-e-2 prompt over 1000 characters', 'dall-e-2', { prompt: 'x'.repeat(1001) }, "Expected a string of at most 1000 characters (dall-e-2's limit) for prompt"],
    ['a size gpt-image-1.5 does not make', 'gpt-image-1.5', { size: { width: 512, height: 512 } }, 'Expected one of: 1024x1024, 1536x1024, 1024x1536 (gpt-image-1.5 output sizes) for size but received "512x512" (string)'],
    ['a gpt-image-2 size not divisible by 16', 'gpt-image-2', { size: { width: 1000, height: 1000 } }, 'Expected a size for gpt-image-2 with both sides divisible by 16, aspect between 1:3 and 3:1, within 3840x2160 for size'],
    ['a gpt-image-2 aspect beyond 3:1', 'gpt-image-2', { size: { width: 2048, height: 512 } }, 'for size but received "2048x512" (string)'],
    ['size and the auto option together', 'gpt-image-1.5', { size: { width: 1024, height: 1024 }, providerOptions: { size: 'auto' } }, 'Expected either size or provider_options.openai.size, not both'],
    ['transparent on gpt-image-2', 'gpt-image-2', { providerOptions: { background: 'transparent' } }, 'Expected opaque or auto (gpt-image-2 refuses transparent) for provider_options.openai.background'],
    ['transparent with jpeg output', 'gpt-image-1.5', { outputFormat: 'jpeg', providerOptions: { background: 'transparent' } }, 'Expected png or webp (a transparent background needs an alpha channel) for output_format'],
    ['output_compression with png', 'gpt-image-1.5', { providerOptions: { output_compression: 50 } }, 'Expected nothing unless output_format is jpeg or webp for provider_options.openai.output_compression'],
    ['output_compression 101', 'gpt-image-1.5', { outputFormat: 'jpeg', providerOptions: { output_compression: 101 } }, 'Expected a number ≤ 100 for provider_options.openai.output_compression but received 101 (number)'],
    ['input_fidelity on gpt-image-1-mini', 'gpt-image-1-mini', { providerOptions: { input_fidelity: 'high' } }, 'Expected nothing: gpt-image-1-mini does not take input_fidelity for provider_options.openai.input_fidelity'],
    ['quality on dall-e-2', 'dall-e-2', { image: undefined, providerOptions: { quality: 'high' } }, 'Expected nothing: dall-e-2 does not take this option (GPT image models do) for provider_options.openai.quality'],
    ['response_format on a GPT model', 'gpt-image-1', { providerOptions: { response_format: 'url' } }, 'Expected nothing: gpt-image-1 always returns base64 (response_format is for dall-e-2) for provider_options.openai.response_format'],
    ['a bad quality', 'gpt-image-1.5', { providerOptions: { quality: 'ultra' } }, 'Expected one of: low, medium, high, auto for provider_options.openai.quality but received "ultra" (string)'],
    ['streaming', 'gpt-image-1.5', { providerOptions: { stream: true } }, 'for provider_options.openai.stream but received true (boolean)'],
    ['an extra image that is not an image', 'gpt-image-1.5', { providerOptions: { extra_images: ['aGVsbG8gd29ybGQ='] } }, 'Expected a PNG, JPEG or WebP image for provider_options.openai.extra_images.0 but received bytes that are not an image'],
    ['16 extra images', 'gpt-image-1.5', { providerOptions: { extra_images: Array.from({ length: 16 }, () => 'aGVsbG8=') } }, 'Expected at most 15 items for provider_options.openai.extra_images'],
    ['adapt_input "no"', 'gpt-image-1.5', { providerOptions: { adapt_input: 'no' } }, 'Expected a boolean for provider_options.openai.adapt_input but received "no" (string)'],
  ];

  it.each(cases)('refuses %s with parameter_invalid', async (_name, modelId, partial, expectedText) => {
    const edit = new OpenAiImageEditModel(model(modelId), settings(), dependencies());
    const square = await pngImage(64, 64);
    const error = await rejectionOf(edit.start(await call({ modelId, image: square, ...partial, ...(partial.image === undefined ? { image: square } : {}) }), testContext()));
    expect(error.code).toBe('parameter_invalid');
    expect(error.message).toContain(expectedText);
    expect(fake.server.requests).toHaveLength(0);
  });
});
