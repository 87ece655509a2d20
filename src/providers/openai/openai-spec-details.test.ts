/**
 * Differences found by reading `openai-images.md` and `local-servers.md` against the adapter and its fake, each
 * pinned by a test named after the spec section it checks.
 */
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testCall } from '../../../test/fakes/generation-call-kit.ts';
import { recordingDependencies, runSynchronous, type RecordingDependencies } from '../../../test/fakes/model-test-kit.ts';
import { startOpenAiFake, type OpenAiFake } from '../../../test/fakes/openai-fake-server.ts';
import { openAiFakeSettings } from '../../../test/fakes/openai-test-setup.ts';
import { findOpenAiModel } from './openai-capabilities.ts';
import { OpenAiImageEditModel } from './openai-image-edit-model.ts';
import { readOpenAiSettings, type OpenAiSettings } from './openai-settings.ts';

let fake: OpenAiFake;
let dependencies: RecordingDependencies['dependencies'];

beforeEach(async () => {
  fake = await startOpenAiFake();
  ({ dependencies } = recordingDependencies(() => fake.clock));
});
afterEach(() => fake.stop());

const settings = (overrides: Partial<OpenAiSettings> = {}) => openAiFakeSettings(fake, { throttleAttempts: 1, ...overrides });

async function pngBytes(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 20, g: 90, b: 200 } } }).png().toBuffer();
}

/** Posts a hand-made edit straight to the fake (no adapter in between), as a client that breaks a rule would. */
async function postEdit(fields: Record<string, string>): Promise<{ status: number; body: { error?: { param?: string } } }> {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(await pngBytes(32, 32))], { type: 'image/png' }), 'image.png');
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const response = await fetch(`${fake.baseUrl}/images/edits`, { method: 'POST', headers: { Authorization: `Bearer ${fake.apiKey}` }, body: form });
  return { status: response.status, body: await response.json() as { error?: { param?: string } } };
}

describe('openai-images.md §7.4: the fake allows only the sizes the model makes', () => {
  it.each([
    ['1000x1000', 'sides not divisible by 16'],
    ['2048x512', 'an aspect beyond 3:1'],
    ['4096x2304', 'larger than 3840x2160'],
    ['0x0', 'no pixels'],
  ])('refuses gpt-image-2 size %s (%s) with 400 param size', async (size) => {
    const answer = await postEdit({ prompt: 'sunset', model: 'gpt-image-2', size });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.param).toBe('size');
  });

  it.each(['1280x720', '720x1280', '3840x2160', '2160x3840', '1536x512', 'auto'])('accepts gpt-image-2 size %s', async (size) => {
    expect((await postEdit({ prompt: 'sunset', model: 'gpt-image-2', size })).status).toBe(200);
  });
});

describe('local-servers.md §0: a local OpenAI-compatible server gets the long local timeout', () => {
  it('defaults the call timeout to 10 minutes on a loopback base URL, 3 minutes on OpenAI', () => {
    expect(readOpenAiSettings({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1' }, file: {} })?.requestTimeoutMs).toBe(600_000);
    expect(readOpenAiSettings({ env: { OPENAI_BASE_URL: 'http://localhost:8080/v1', OPENAI_API_KEY: 'sk-local-123' }, file: {} })?.requestTimeoutMs).toBe(600_000);
    expect(readOpenAiSettings({ env: { OPENAI_API_KEY: 'sk-test-123456' }, file: {} })?.requestTimeoutMs).toBe(180_000);
    expect(readOpenAiSettings({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1' }, file: {} })?.localServer).toBe(true);
    expect(readOpenAiSettings({ env: { OPENAI_API_KEY: 'sk-test-123456' }, file: {} })?.localServer).toBe(false);
  });
});

describe('local-servers.md §3.1: stable-diffusion.cpp edits take output_format png or jpeg only', () => {
  it('the fake, as stable-diffusion.cpp, refuses output_format webp', async () => {
    await fake.stop();
    fake = await startOpenAiFake({ apiKey: null, outputFormats: ['png', 'jpeg'] });
    const form = new FormData();
    form.append('image[]', new Blob([new Uint8Array(await pngBytes(32, 32))], { type: 'image/png' }), 'image.png');
    form.append('prompt', 'sunset');
    form.append('model', 'gpt-image-1.5');
    form.append('output_format', 'webp');
    const response = await fetch(`${fake.baseUrl}/images/edits`, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('output_format');
  });

  it('asks a local server for png when webp is wanted, and re-encodes the result to webp itself', async () => {
    await fake.stop();
    fake = await startOpenAiFake({ apiKey: null, outputFormats: ['png', 'jpeg'] });
    const edit = new OpenAiImageEditModel(findOpenAiModel('gpt-image-1.5')!, settings({ apiKey: undefined, localServer: true }), dependencies());
    const image = { bytes: await pngBytes(64, 48), mediaType: 'image/png', width: 64, height: 48, hasAlpha: false };
    const result = await runSynchronous(edit, testCall(image, { modelId: 'gpt-image-1.5', prompt: 'sunset', outputFormat: 'webp' }));
    const parts = await fake.parts(fake.editRequests()[0]);
    expect(parts.find((part) => part.name === 'output_format')?.value).toBe('png');
    expect(result.outputs[0].mediaType).toBe('image/webp');
    expect(result.warnings).toEqual([]);
  });

  it('says so when output_compression cannot reach a local server (it makes png for a webp result)', async () => {
    await fake.stop();
    fake = await startOpenAiFake({ apiKey: null, outputFormats: ['png', 'jpeg'] });
    const edit = new OpenAiImageEditModel(findOpenAiModel('gpt-image-1.5')!, settings({ apiKey: undefined, localServer: true }), dependencies());
    const image = { bytes: await pngBytes(64, 48), mediaType: 'image/png', width: 64, height: 48, hasAlpha: false };
    const result = await runSynchronous(edit, testCall(image, { modelId: 'gpt-image-1.5', prompt: 'sunset', outputFormat: 'webp', providerOptions: { output_compression: 70 } }));
    const parts = await fake.parts(fake.editRequests()[0]);
    expect(parts.find((part) => part.name === 'output_compression')).toBeUndefined();
    expect(result.outputs[0].mediaType).toBe('image/webp');
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'unsupported', feature: 'output_compression' })]);
  });
});
