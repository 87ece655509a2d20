/**
 * Tencent, StepFun and OpenAI check their parameters before any task exists (`ProviderModel.checkParameters`): a
 * value the provider's adapter refuses is a 400 on `POST /v1/tasks` too, with the code and message the synchronous
 * AOG route gives, no task is created and the provider never hears of it — instead of a 202 and a task that fails.
 * In process, each real adapter against its fake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../src/errors/render-error.ts';
import type { TaskResource } from '../../src/tasks/task-resource.ts';
import { FakeClock } from '../fakes/fake-server-kit.ts';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-fake-server.ts';
import { startStepFunFake, type StepFunFake } from '../fakes/stepfun-fake-server.ts';
import { exampleTencentCredentials, startTencentFake, type TencentFake } from '../fakes/tencent-fake-server.ts';
import { createTestApp } from '../support/test-context.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

const aogRoute = '/aog/v0.2/services/image-to-image';
let tencent: TencentFake;
let stepfun: StepFunFake;
let openai: OpenAiFake;
let harness: Awaited<ReturnType<typeof createTestApp>>;
let photo: string;

type Body = Record<string, unknown>;
type Answer = TaskResource & ErrorBody;

beforeAll(async () => {
  // Tencent checks the signature's timestamp against its clock; the app signs with the real one.
  tencent = await startTencentFake({ clock: new FakeClock(Date.now()) });
  stepfun = await startStepFunFake();
  openai = await startOpenAiFake();
  harness = await createTestApp({
    env: {
      TENCENTCLOUD_SECRET_ID: exampleTencentCredentials.secretId, TENCENTCLOUD_SECRET_KEY: exampleTencentCredentials.secretKey, TENCENTCLOUD_AIART_ENDPOINT: tencent.url,
      STEPFUN_API_KEY: stepfun.apiKey, STEPFUN_BASE_URL: stepfun.baseUrl,
      OPENAI_API_KEY: openai.apiKey ?? undefined, OPENAI_BASE_URL: openai.baseUrl,
      ATELIER_TASK_ATTEMPTS: '1',
    },
  });
  // 512×512: inside every one of the three providers' input limits.
  photo = (await makePhotoLikeImage(512, 512, 'jpeg')).toString('base64');
});
afterAll(async () => {
  await harness?.close();
  await Promise.all([tencent?.stop(), stepfun?.stop(), openai?.stop()]);
});

async function answerOf(response: Response): Promise<{ status: number; body: Answer }> {
  return { status: response.status, body: (await response.json()) as Answer };
}

async function taskIds(): Promise<string[]> {
  const page = (await (await harness.app.request('/v1/tasks?limit=100')).json()) as { data: TaskResource[] };
  return page.data.map((task) => task.id);
}

async function finished(id: string): Promise<TaskResource> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const task = (await (await harness.app.request(`/v1/tasks/${id}`)).json()) as TaskResource;
    if (['succeeded', 'failed', 'cancelled'].includes(task.state)) return task;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`task ${id} never finished`);
}

interface ProviderCase {
  name: string;
  model: string;
  /** Requests that reached the fake so far. */
  upstreamRequests(): number;
  valid: Body;
  invalid: Array<{ why: string; body: Body; parameter: string }>;
}

const cases: ProviderCase[] = [
  {
    name: 'Tencent',
    model: 'aiart-image-to-image',
    upstreamRequests: () => tencent.apiRequests().length,
    valid: { prompt: '水彩画风格' },
    invalid: [
      { why: 'an unknown provider option', body: { provider_options: { tencent: { Unknown: 1 } } }, parameter: 'provider_options.tencent' },
      { why: 'RestoreFace above 6', body: { provider_options: { tencent: { RestoreFace: 9 } } }, parameter: 'provider_options.tencent.RestoreFace' },
      { why: 'a size Tencent does not make', body: { size: '512x512' }, parameter: 'size' },
      { why: 'a style Tencent does not know', body: { style: 'no-such-style' }, parameter: 'style' },
    ],
  },
  {
    name: 'StepFun',
    model: 'step-2x-large',
    upstreamRequests: () => stepfun.image2imageRequests().length,
    valid: { prompt: '换成油画风格' },
    invalid: [
      { why: 'steps above 100', body: { prompt: '换成油画风格', provider_options: { stepfun: { steps: 500 } } }, parameter: 'provider_options.stepfun.steps' },
      { why: 'strength and source_weight together', body: { prompt: '换成油画风格', strength: 0.5, provider_options: { stepfun: { source_weight: 0.5 } } }, parameter: 'strength' },
      { why: 'a size StepFun does not make', body: { prompt: '换成油画风格', size: '640x480' }, parameter: 'size' },
      { why: 'no prompt', body: {}, parameter: 'prompt' },
    ],
  },
  {
    name: 'OpenAI',
    model: 'gpt-image-1',
    upstreamRequests: () => openai.editRequests().length,
    valid: { prompt: 'make it a watercolor' },
    invalid: [
      { why: 'an unknown quality', body: { prompt: 'make it a watercolor', provider_options: { openai: { quality: 'ultra' } } }, parameter: 'provider_options.openai.quality' },
      { why: 'a size gpt-image-1 does not make', body: { prompt: 'make it a watercolor', size: '640x480' }, parameter: 'size' },
      { why: 'a transparent background in jpeg', body: { prompt: 'make it a watercolor', output_format: 'jpeg', provider_options: { openai: { background: 'transparent' } } }, parameter: 'output_format' },
      { why: 'response_format, a dall-e-2 option', body: { prompt: 'make it a watercolor', provider_options: { openai: { response_format: 'url' } } }, parameter: 'provider_options.openai.response_format' },
    ],
  },
];

describe.each(cases)('$name: parameters it refuses are a 400 before any task exists', ({ model, upstreamRequests, valid, invalid }) => {
  const request = (body: Body) => ({ model, image: photo, image_type: 'base64', ...body });

  it.each(invalid)('refuses $why on POST /v1/tasks as the AOG route does, with no task and no upstream call', async ({ body, parameter }) => {
    const tasksBefore = await taskIds();
    const upstreamBefore = upstreamRequests();

    const asynchronous = await answerOf(await harness.post('/v1/tasks', { service: 'image-to-image', ...request(body) }));
    expect(asynchronous.status, JSON.stringify(asynchronous.body)).toBe(400);
    expect(asynchronous.body.code).toBe('parameter_invalid');
    expect(asynchronous.body.message).toContain(parameter);

    const synchronous = await answerOf(await harness.post(aogRoute, request(body)));
    expect(synchronous.status, JSON.stringify(synchronous.body)).toBe(400);
    expect({ code: asynchronous.body.code, message: asynchronous.body.message }).toEqual({ code: synchronous.body.code, message: synchronous.body.message });

    expect(await taskIds()).toEqual(tasksBefore);
    expect(upstreamRequests()).toBe(upstreamBefore);
  });

  it('still accepts a valid request with 202, and the task runs against the provider', async () => {
    const upstreamBefore = upstreamRequests();
    const response = await answerOf(await harness.post('/v1/tasks', { service: 'image-to-image', ...request(valid) }));
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    const task = await finished(response.body.id);
    expect(task.state, JSON.stringify(task)).toBe('succeeded');
    expect(upstreamRequests()).toBe(upstreamBefore + 1);
  });
});
