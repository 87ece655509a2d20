import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { startDashScopeFake, type DashScopeFake } from '../../../test/fakes/dashscope-fake-server.ts';
import { fakeModel } from '../../../test/fakes/dashscope-test-setup.ts';
import { refusedOrigin } from '../../../test/fakes/fake-server-kit.ts';
import { testCall, testContext, testImage } from '../../../test/fakes/generation-call-kit.ts';
import type { ImageInput } from '../spec/generation-call.ts';
import type { JsonValue, ProviderModel, StatusResult } from '../spec/provider-model.ts';

let fake: DashScopeFake;
let image: ImageInput;
beforeEach(async () => {
  fake = await startDashScopeFake();
  image = await testImage(600, 520);
});
afterEach(() => fake.stop());

async function submit(model: ProviderModel = fakeModel(fake, 'wanx2.1-imageedit'), n = 1): Promise<JsonValue> {
  const started = await model.start(testCall(image, { prompt: 'add a hat', n }), testContext());
  if (started.status !== 'pending') throw new Error('DashScope is async');
  return started.operation;
}

describe('polling', () => {
  test('PENDING → RUNNING → SUCCEEDED: pending, pending, completed with the downloaded images', async () => {
    const model = fakeModel(fake, 'wanx2.1-imageedit');
    const operation = await submit(model, 2);
    const context = testContext();
    const first = await model.status!(operation, context);
    const second = await model.status!(operation, context);
    const third = await model.status!(operation, context);
    expect([first.status, second.status, third.status]).toEqual(['pending', 'pending', 'completed']);
    expect(context.progress).toEqual([0, 10, 100]);
    if (third.status !== 'completed') return;
    expect(third.result.outputs).toHaveLength(2);
    expect(third.result.outputs.every((output) => output.mediaType === 'image/png')).toBe(true);
    expect(third.result.usage).toEqual({ images: 2 });
    expect(fake.resultDownloads()).toHaveLength(2);
  });

  test('a poll is GET /tasks/{id} with only the Authorization header of the protocol', async () => {
    const operation = await submit();
    await fakeModel(fake, 'wanx2.1-imageedit').status!(operation, testContext());
    const poll = fake.polls()[0];
    expect(poll.method).toBe('GET');
    expect(poll.path).toBe(`/api/v1/tasks/${(operation as { taskId: string }).taskId}`);
    expect(poll.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(poll.headers['x-dashscope-async']).toBeUndefined();
    expect(poll.rawBody.length).toBe(0);
  });

  test('the persisted handle holds the task id and what status needs, never the key', async () => {
    const operation = await submit();
    expect(operation).toEqual({
      provider: 'aliyun', taskId: expect.any(String), modelId: 'wanx2.1-imageedit', family: 'image-edit',
      submittedAt: '2025-06-01T00:00:00.000Z', expectedOutputs: 1,
    });
    expect(JSON.stringify(operation)).not.toContain(fake.apiKey);
  });

  test('a restarted Atelier resumes from the stored JSON in a new instance and never resubmits', async () => {
    const stored = JSON.stringify(await submit());
    let outcome: StatusResult = { status: 'pending' };
    for (let poll = 0; poll < 5 && outcome.status === 'pending'; poll += 1) {
      outcome = await fakeModel(fake, 'wanx2.1-i2i-turbo').status!(JSON.parse(stored) as JsonValue, testContext());
    }
    expect(outcome.status).toBe('completed');
    expect(fake.submissions()).toHaveLength(1);
  });

  test('a slow task stays RUNNING until its time has passed on the fake clock', async () => {
    fake.scriptNextTask({ runningForMs: 5 * 60_000 });
    const model = fakeModel(fake, 'wanx2.1-imageedit');
    const operation = await submit(model);
    for (let poll = 0; poll < 4; poll += 1) expect((await model.status!(operation, testContext())).status).toBe('pending');
    fake.clock.advance(5 * 60_000);
    expect((await model.status!(operation, testContext())).status).toBe('completed');
  });

  test('cadence: images every 3 s for the first 30 s, then every 10 s', () => {
    const model = fakeModel(fake, 'wanx2.1-imageedit');
    expect([0, 1, 9, 10, 30].map((attempt) => model.pollIntervalMs!(attempt))).toEqual([3_000, 3_000, 3_000, 10_000, 10_000]);
  });
});

describe('terminal states', () => {
  async function finalStatus(script: Parameters<DashScopeFake['scriptNextTask']>[0], n = 1): Promise<StatusResult> {
    fake.scriptNextTask(script);
    const model = fakeModel(fake, 'wanx2.1-imageedit');
    const operation = await submit(model, n);
    let outcome: StatusResult = { status: 'pending' };
    for (let poll = 0; poll < 6 && outcome.status === 'pending'; poll += 1) outcome = await model.status!(operation, testContext());
    return outcome;
  }

  test('FAILED carries the mapped code and DashScope message', async () => {
    const outcome = await finalStatus({ outcome: { kind: 'failed', code: 'InvalidParameter', message: 'The size is not match xxxxxx' } });
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.error.code).toBe('upstream_invalid_request');
    expect(outcome.error.message).toBe('DashScope rejected the request (InvalidParameter): The size is not match xxxxxx');
  });

  test('FAILED with content moderation is upstream_content_rejected', async () => {
    const outcome = await finalStatus({ outcome: { kind: 'failed', code: 'DataInspectionFailed', message: 'Output data may contain inappropriate content.' } });
    expect(outcome.status === 'failed' && outcome.error.code).toBe('upstream_content_rejected');
  });

  test('UNKNOWN is terminal: upstream_task_lost', async () => {
    const outcome = await finalStatus({ before: ['PENDING'], outcome: { kind: 'unknown' } });
    expect(outcome.status === 'failed' && outcome.error.message).toMatch(/^DashScope no longer knows task [\w-]+ \(status UNKNOWN\)$/);
  });

  test('a task id older than 24 h is UNKNOWN', async () => {
    const model = fakeModel(fake, 'wanx2.1-imageedit');
    const operation = await submit(model);
    fake.clock.advance(24 * 60 * 60 * 1000 + 1);
    const outcome = await model.status!(operation, testContext());
    expect(outcome.status === 'failed' && outcome.error.code).toBe('upstream_task_lost');
  });

  test('partial failure: the successes plus one warning per failed image; usage counts the successes', async () => {
    const outcome = await finalStatus({ outcome: { kind: 'succeeded', failedImages: 1 } }, 3);
    expect(outcome.status).toBe('completed');
    if (outcome.status !== 'completed') return;
    expect(outcome.result.outputs).toHaveLength(2);
    expect(outcome.result.usage).toEqual({ images: 2 });
    expect(outcome.result.warnings).toEqual([expect.objectContaining({ feature: 'n', details: expect.stringContaining('InternalError.Algo') })]);
  });

  test('every image failed: an error, not an empty success', async () => {
    const outcome = await finalStatus({ outcome: { kind: 'succeeded', failedImages: 2 } }, 2);
    expect(outcome.status === 'failed' && outcome.error.code).toBe('upstream_task_failed');
  });

  test('an expired result URL fails the status call (not retryable) instead of reporting success', async () => {
    const model = fakeModel(fake, 'wanx2.1-imageedit');
    const operation = await submit(model);
    await model.status!(operation, testContext());
    await model.status!(operation, testContext());
    fake.failNext('result', { kind: 'answer', answer: { status: 404, body: 'expired' } });
    const error = await rejectionOf(model.status!(operation, testContext()));
    expect(error.code).toBe('upstream_unavailable');
    expect(error.retryable).toBe(false);
  });

  test('an unreadable handle fails cleanly without calling DashScope', async () => {
    const outcome = await fakeModel(fake, 'wanx2.1-imageedit').status!({ taskId: '../../etc' }, testContext());
    expect(outcome.status === 'failed' && outcome.error.code).toBe('upstream_task_lost');
    expect(fake.polls()).toHaveLength(0);
  });

  test('an unknown task_status is a bad response', async () => {
    const model = fakeModel(fake, 'wanx2.1-imageedit');
    const operation = await submit(model);
    fake.failNext('poll', { kind: 'answer', answer: { status: 200, body: { output: { task_id: 'x', task_status: 'SUSPENDED' } } } });
    expect((await rejectionOf(model.status!(operation, testContext()))).code).toBe('upstream_bad_response');
  });
});

describe('cancel', () => {
  test('a PENDING task is cancelled upstream; the next poll reports CANCELED as task lost', async () => {
    const model = fakeModel(fake, 'wanx2.1-imageedit');
    const operation = await submit(model);
    await model.cancel!(operation);
    const request = fake.server.requests.at(-1)!;
    expect([request.method, request.path]).toEqual(['POST', `/api/v1/tasks/${(operation as { taskId: string }).taskId}/cancel`]);
    expect(request.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    const outcome = await model.status!(operation, testContext());
    expect(outcome.status === 'failed' && outcome.error.message).toContain('(status CANCELED)');
  });

  test('a RUNNING task cannot be cancelled: UnsupportedOperation surfaces', async () => {
    const model = fakeModel(fake, 'wanx2.1-imageedit');
    const operation = await submit(model);
    await model.status!(operation, testContext());
    await model.status!(operation, testContext());
    const error = await rejectionOf(model.cancel!(operation));
    expect(error.code).toBe('upstream_invalid_request');
    expect(error.message).toContain('UnsupportedOperation');
  });
});

describe('submit retries (billing starts when the task is created)', () => {
  test('429 Throttling is retried after Retry-After and the task is created once', async () => {
    fake.failNext('submit', { kind: 'answer', answer: { status: 429, body: { code: 'Throttling.RateQuota', message: 'Requests rate limit exceeded' }, headers: { 'retry-after': '2' } } });
    const sleeps: number[] = [];
    const model = fakeModel(fake, 'wanx2.1-imageedit', { dependencies: { sleep: async (milliseconds) => { sleeps.push(milliseconds); fake.clock.advance(milliseconds); } } });
    await submit(model);
    expect(fake.submissions()).toHaveLength(2);
    expect(fake.tasks.size).toBe(1);
    expect(sleeps.some((milliseconds) => milliseconds >= 2_000)).toBe(true);
  });

  test('the per-model concurrency limit (429 from DashScope) is retried until a slot frees or attempts run out', async () => {
    const model = fakeModel(fake, 'wanx2.1-imageedit');
    await submit(model);
    await submit(model);
    const error = await rejectionOf(submit(model));
    expect(error.code).toBe('upstream_rate_limited');
    expect(error.message).toBe('DashScope is throttling requests (Throttling.RateQuota); retried 2 times');
    expect(error.retryable).toBe(true);
    expect(fake.submissions()).toHaveLength(5);
  });

  test('a 5xx after the task was created is not resubmitted, and not retryable', async () => {
    fake.failNext('submit', { kind: 'answer-after-handling', answer: { status: 500, body: { code: 'InternalError', message: 'oops' } } });
    const error = await rejectionOf(submit());
    expect(error.code).toBe('upstream_unavailable');
    expect(error.retryable).toBe(false);
    expect(fake.submissions()).toHaveLength(1);
    expect(fake.tasks.size).toBe(1);
  });

  test('a timeout is not resubmitted, and not retryable', async () => {
    fake.failNext('submit', { kind: 'hang' });
    const error = await rejectionOf(submit(fakeModel(fake, 'wanx2.1-imageedit', { settings: { requestTimeoutMs: 200 } })));
    expect(error.code).toBe('upstream_timeout');
    expect(error.message).toBe('DashScope did not answer within 200 ms');
    expect(error.retryable).toBe(false);
    expect(fake.submissions()).toHaveLength(1);
  });

  test('connection refused is retried (DashScope cannot have seen it) and stays retryable', async () => {
    let attempts = 0;
    const countingFetch: typeof fetch = (input, init) => {
      attempts += 1;
      return fetch(input, init);
    };
    const model = fakeModel(fake, 'wanx2.1-imageedit', { settings: { baseUrl: `${await refusedOrigin()}/api/v1` }, dependencies: { fetch: countingFetch } });
    const error = await rejectionOf(submit(model));
    expect([error.code, error.retryable, attempts]).toEqual(['upstream_unavailable', true, 3]);
    expect(error.message).toBe('DashScope is unavailable (connection refused)');
  });

  test('polls retry transient failures (they are read-only)', async () => {
    const model = fakeModel(fake, 'wanx2.1-imageedit');
    const operation = await submit(model);
    fake.failNext('poll', { kind: 'answer', answer: { status: 503, body: { code: 'InternalError', message: 'busy' } } });
    fake.failNext('poll', { kind: 'malformed-json' });
    const outcome = await model.status!(operation, testContext());
    expect(outcome.status).toBe('pending');
    expect(fake.polls()).toHaveLength(3);
  });
});

describe('the shared per-account task-query budget (20 per second)', () => {
  test('concurrent polls from several model instances with one key are spaced 50 ms apart', async () => {
    const waits: number[] = [];
    // A sleep that records and returns at once, with the clock frozen: each wait is the slot the limiter reserved.
    const recordingSleep = async (milliseconds: number) => {
      waits.push(milliseconds);
    };
    const image1 = fakeModel(fake, 'wanx2.1-imageedit', { dependencies: { sleep: recordingSleep } });
    const video = fakeModel(fake, 'wan2.2-i2v-plus', { dependencies: { sleep: recordingSleep } });
    const operation = await submit();
    await Promise.all(Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? image1 : video).status!(operation, testContext())));
    const slots = [0, ...waits].sort((left, right) => left - right);
    expect(slots).toHaveLength(40);
    expect(slots.slice(0, 3)).toEqual([0, 50, 100]);
    for (let index = 20; index < slots.length; index += 1) expect(slots[index] - slots[index - 20]).toBeGreaterThanOrEqual(1000);
  });

  test('another key has its own budget', async () => {
    const waits: number[] = [];
    const operation = await submit();
    const model = fakeModel(fake, 'wanx2.1-imageedit', { dependencies: { sleep: async (milliseconds) => { waits.push(milliseconds); } } });
    await Promise.all(Array.from({ length: 5 }, () => model.status!(operation, testContext())));
    expect(waits).toEqual([50, 100, 150, 200]);
    const other = await startDashScopeFake();
    try {
      const otherWaits: number[] = [];
      const otherModel = fakeModel(other, 'wanx2.1-imageedit', { dependencies: { sleep: async (milliseconds) => { otherWaits.push(milliseconds); } } });
      await otherModel.status!(operation, testContext());
      expect(otherWaits).toEqual([]);
    } finally {
      await other.stop();
    }
  });
});
