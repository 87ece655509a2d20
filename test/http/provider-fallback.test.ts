/**
 * The fallback chain end to end, in process: the real DashScope adapter against the DashScope fake, which answers
 * 500 or 429 to the submit; `fallbacks: ["local"]` (or the service's configured default) then gets the embedded
 * engine's image, with a warning that says who failed and who served it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskResource } from '../../src/tasks/task-resource.ts';
import { startDashScopeFake, type DashScopeFake } from '../fakes/dashscope-fake-server.ts';
import { jsonAnswer } from '../fakes/fake-server-kit.ts';
import { createTestApp } from '../support/test-context.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

const route = '/aog/v0.2/services/image-to-image';
let fake: DashScopeFake;
let harness: Awaited<ReturnType<typeof createTestApp>>;
let photo: string;

type Answer = Record<string, any>;

beforeAll(async () => {
  fake = await startDashScopeFake();
  harness = await createTestApp({
    // One start attempt per provider, so a throttled DashScope falls back after the adapter's own retries.
    env: { DASHSCOPE_API_KEY: fake.apiKey, DASHSCOPE_BASE_URL: fake.baseUrl, ATELIER_MAX_POLL_INTERVAL_MS: '20', ATELIER_TASK_ATTEMPTS: '1' },
  });
  // 640×480: inside wanx2.1-imageedit's input limits; the fake's own results are 64×48, the engine keeps 640×480.
  photo = (await makePhotoLikeImage(640, 480, 'jpeg')).toString('base64');
});
afterAll(async () => {
  await harness?.close();
  await fake?.stop();
});

function body(overrides: Record<string, unknown> = {}) {
  return { model: 'wanx2.1-i2i-turbo', image: photo, image_type: 'base64', prompt: '改为油画风格', ...overrides };
}

async function answerOf(response: Response): Promise<{ status: number; body: Answer }> {
  return { status: response.status, body: (await response.json()) as Answer };
}

async function imageSize(url: string): Promise<[number, number]> {
  const file = await harness.app.request(new URL(url).pathname);
  const metadata = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
  return [metadata.width!, metadata.height!];
}

async function taskResource(id: string): Promise<TaskResource> {
  return (await (await harness.app.request(`/v1/tasks/${id}`)).json()) as TaskResource;
}

describe('fallbacks on the AOG image-to-image route', () => {
  it('serves the request with the embedded engine when DashScope answers 500, and says so', async () => {
    const before = fake.submissions().length;
    fake.failNext('submit', { kind: 'answer', answer: jsonAnswer(500, { code: 'InternalError', message: 'upstream broke', request_id: 'r-1' }) });
    const { status, body: answer } = await answerOf(await harness.post(route, body({ fallbacks: ['local'] })));
    expect(status, JSON.stringify(answer)).toBe(200);
    expect(fake.submissions().length - before).toBe(1); // a 5xx may hide a created task: DashScope never gets it twice
    expect(answer.warnings).toContainEqual({
      type: 'substituted', feature: 'provider',
      details: expect.stringMatching(/^aliyun \(wanx2\.1-imageedit\) failed with upstream_unavailable: .*; local \(atelier-image\) served the request instead$/),
    });
    expect(await imageSize(answer.data.url[0])).toEqual([640, 480]);
    const task = await taskResource(answer.data.id);
    expect(task).toMatchObject({ state: 'succeeded', provider: 'local', model: 'atelier-image', requested_model: 'wanx2.1-i2i-turbo', attempts: 1 });
    expect(task.failed_providers).toEqual([{
      provider: 'aliyun', model: 'wanx2.1-imageedit', attempts: 1, failed_at: expect.any(String), error: { code: 'upstream_unavailable', message: expect.any(String) },
    }]);
  });

  it('falls back after DashScope keeps throttling (429) through its retries', async () => {
    const before = fake.submissions().length;
    fake.failNext('submit', { kind: 'answer', answer: jsonAnswer(429, { code: 'Throttling.RateQuota', message: 'slow down', request_id: 'r-2' }, { 'retry-after': '0' }) }, 3);
    const { status, body: answer } = await answerOf(await harness.post(route, body({ fallbacks: ['local'] })));
    expect(status, JSON.stringify(answer)).toBe(200);
    expect(fake.submissions().length - before).toBe(3); // the adapter's three tries, then the fallback
    expect(answer.warnings).toContainEqual(expect.objectContaining({ feature: 'provider', details: expect.stringContaining('failed with upstream_rate_limited') }));
    expect((await taskResource(answer.data.id)).provider).toBe('local');
  });

  it('does not fall back when DashScope refuses the request itself', async () => {
    fake.failNext('submit', { kind: 'answer', answer: jsonAnswer(400, { code: 'InvalidParameter', message: 'bad input', request_id: 'r-3' }) });
    const { status, body: answer } = await answerOf(await harness.post(route, body({ fallbacks: ['local'] })));
    expect(answer.code).toBe('upstream_invalid_request');
    expect(status).toBe(400);
  });

  it('refuses fallbacks that cannot work before anything runs', async () => {
    const notConfigured = await answerOf(await harness.post(route, body({ fallbacks: ['tencent'] })));
    expect(notConfigured).toMatchObject({ status: 404, body: { code: 'provider_not_configured', message: expect.stringContaining('fallbacks.0 names Tencent Cloud aiart, which is not configured') } });
    const notAList = await answerOf(await harness.post(route, body({ fallbacks: 'local' })));
    expect(notAList).toMatchObject({ status: 400, body: { code: 'parameter_invalid', message: 'Expected an array of at most 5 providers for fallbacks but received "local" (string)' } });
    const unknown = await answerOf(await harness.post(route, body({ fallbacks: ['acme'] })));
    expect(unknown).toMatchObject({ status: 404, body: { code: 'provider_not_found' } });
  });
});

describe('the service\'s configured default fallbacks', () => {
  it('applies services.image-to-image.fallbacks from config.json, survives a policy change, and [] turns it off', async () => {
    const configPath = join(harness.dataDirectory, 'config.json');
    await writeFile(configPath, JSON.stringify({ services: { 'image-to-image': { fallbacks: ['local'] } } }));
    await harness.context.reloadConfiguration();

    fake.failNext('submit', { kind: 'answer', answer: jsonAnswer(500, { code: 'InternalError', message: 'upstream broke', request_id: 'r-4' }) });
    const served = await answerOf(await harness.post(route, body()));
    expect(served.status, JSON.stringify(served.body)).toBe(200);
    expect((await taskResource(served.body.data.id)).provider).toBe('local');

    // Setting the hybrid policy through AOG's control plane keeps the fallbacks next to it.
    const put = await harness.app.request('/aog/v0.2/service', {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service_name: 'image-to-image', hybrid_policy: 'default' }),
    });
    expect(put.status).toBe(200);
    expect(JSON.parse(await readFile(configPath, 'utf8')).services['image-to-image']).toEqual({ hybrid_policy: 'default', fallbacks: ['local'] });

    fake.failNext('submit', { kind: 'answer', answer: jsonAnswer(500, { code: 'InternalError', message: 'upstream broke', request_id: 'r-5' }) });
    const none = await answerOf(await harness.post(route, body({ fallbacks: [] })));
    expect(none).toMatchObject({ status: 502, body: { code: 'upstream_unavailable' } });
  });
});

describe('POST /v1/tasks', () => {
  it('accepts fallbacks and shows the provider that served the task', async () => {
    fake.failNext('submit', { kind: 'answer', answer: jsonAnswer(500, { code: 'InternalError', message: 'upstream broke', request_id: 'r-6' }) });
    const response = await harness.post('/v1/tasks', { service: 'image-to-image', ...body({ fallbacks: ['local'] }) }, { prefer: 'wait=60' });
    const task = (await response.json()) as TaskResource;
    expect(response.status, JSON.stringify(task)).toBe(200);
    expect(task).toMatchObject({ state: 'succeeded', provider: 'local', failed_providers: [{ provider: 'aliyun' }] });
  });
});
