/**
 * The scheduler's upstream cancel against the DashScope fake: a transient failure (5xx, 429) is tried again after a
 * short backoff, because a PENDING task that is not canceled still runs and is billed; a definite refusal
 * (UnsupportedOperation: already running) is not; and a retry waiting at shutdown does not hold the process.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDashScopeFake, type DashScopeFake } from '../../test/fakes/dashscope-fake-server.ts';
import { fakeModel } from '../../test/fakes/dashscope-test-setup.ts';
import { jsonAnswer } from '../../test/fakes/fake-server-kit.ts';
import { testCall, testContext, testImage } from '../../test/fakes/generation-call-kit.ts';
import type { Logger } from '../logging/logger.ts';
import type { JsonValue } from '../providers/spec/provider-model.ts';
import { createHarness, FakeModel, FakeModels, type Harness } from './task-test-harness.ts';
import type { SchedulerOptions } from './task-scheduler.ts';

let fake: DashScopeFake;
let harness: Harness | undefined;
beforeEach(async () => {
  fake = await startDashScopeFake();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await fake.stop();
});

interface LogLine { level: string; message: string; fields: Record<string, unknown> }

/** A logger that keeps what it was told. */
function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const record = (level: string) => (message: string, fields: Record<string, unknown> = {}) => void lines.push({ level, message, fields });
  return { logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') }, lines };
}

/** Submits a real task to the fake (it stays PENDING there until polled) and returns its handle. */
async function pendingDashScopeTask(): Promise<JsonValue> {
  const image = await testImage(600, 520);
  const started = await fakeModel(fake, 'wanx2.1-imageedit').start(testCall(image, { prompt: 'add a hat' }), testContext());
  if (started.status !== 'pending') throw new Error('DashScope is async');
  return started.operation;
}

/**
 * A scheduler whose cloud task holds `operation` and keeps polling as pending (the fake is not polled, so the
 * upstream task stays PENDING); its cancel is the real DashScope adapter's, against the fake.
 */
async function schedulerPolling(operation: JsonValue, logger: Logger, schedulerOptions: SchedulerOptions = {}): Promise<{ harness: Harness; taskId: string }> {
  const models = new FakeModels();
  const model = models.add(new FakeModel('aliyun', 'fake-model', async () => ({ status: 'pending', operation }), {
    status: async () => ({ status: 'pending', progress: 10 }),
  }));
  const dashscope = fakeModel(fake, 'wanx2.1-imageedit');
  model.cancel = (held) => dashscope.cancel!(held);
  const built = await createHarness(models, { logger, schedulerOptions: { cancelRetryBackoff: { baseMs: 10, maxMs: 40 }, ...schedulerOptions } });
  const { task } = await built.service.submit(built.request('aliyun'));
  await expect.poll(() => model.statusCalls.length).toBeGreaterThan(0);
  return { harness: built, taskId: task.id };
}

const upstreamTaskId = (operation: JsonValue) => (operation as { taskId: string }).taskId;
const cancelLogs = (lines: LogLine[]) => lines.filter((line) => line.message.includes('cancel'));

describe('upstream cancel retries', () => {
  it('tries again after a 5xx and the PENDING task is canceled upstream', async () => {
    const operation = await pendingDashScopeTask();
    fake.failNext('cancel', { kind: 'answer', answer: jsonAnswer(500, { code: 'InternalError', message: 'busy', request_id: 'r-1' }) });
    const { logger, lines } = recordingLogger();
    let taskId: string;
    ({ harness, taskId } = await schedulerPolling(operation, logger));
    await harness.service.cancel(taskId);
    await expect.poll(() => fake.tasks.get(upstreamTaskId(operation))?.current).toBe('CANCELED');
    expect(fake.cancels()).toHaveLength(2);
    const logged = cancelLogs(lines);
    expect(logged.map((line) => [line.level, line.message])).toEqual([
      ['warn', 'provider cancel failed; retrying'],
      ['info', 'asked the provider to cancel'],
    ]);
    expect(logged[0].fields).toMatchObject({ taskId, provider: 'aliyun', code: 'upstream_unavailable', attempt: 1 });
    expect(JSON.stringify(lines)).not.toContain(fake.apiKey);
  });

  it('honours the Retry-After of a 429 before trying again', async () => {
    const operation = await pendingDashScopeTask();
    fake.failNext('cancel', { kind: 'answer', answer: jsonAnswer(429, { code: 'Throttling', message: 'slow down' }, { 'retry-after': '1' }) });
    const { logger, lines } = recordingLogger();
    let taskId: string;
    ({ harness, taskId } = await schedulerPolling(operation, logger));
    await harness.service.cancel(taskId);
    await expect.poll(() => fake.tasks.get(upstreamTaskId(operation))?.current, { timeout: 5_000 }).toBe('CANCELED');
    expect(fake.cancels()).toHaveLength(2);
    expect(cancelLogs(lines)[0].fields).toMatchObject({ code: 'upstream_rate_limited', delayMilliseconds: 1_000 });
  });

  it('does not retry a refusal: a task already RUNNING upstream cannot be canceled', async () => {
    const operation = await pendingDashScopeTask();
    fake.tasks.get(upstreamTaskId(operation))!.current = 'RUNNING';
    const { logger, lines } = recordingLogger();
    let taskId: string;
    ({ harness, taskId } = await schedulerPolling(operation, logger));
    await harness.service.cancel(taskId);
    await expect.poll(() => cancelLogs(lines).length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200)); // several backoff delays: no second call comes
    expect(fake.cancels()).toHaveLength(1);
    expect(cancelLogs(lines).map((line) => [line.level, line.message, line.fields.code, line.fields.attempts]))
      .toEqual([['warn', 'provider cancel failed', 'upstream_invalid_request', 1]]);
  });

  it('gives up after three retries of a failure that persists, and says so once', async () => {
    const operation = await pendingDashScopeTask();
    fake.failNext('cancel', { kind: 'answer', answer: jsonAnswer(503, { code: 'ServiceUnavailable', message: 'down' }) }, 10);
    const { logger, lines } = recordingLogger();
    let taskId: string;
    ({ harness, taskId } = await schedulerPolling(operation, logger));
    await harness.service.cancel(taskId);
    await expect.poll(() => cancelLogs(lines).filter((line) => line.message === 'provider cancel failed')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.cancels()).toHaveLength(4);
    expect(cancelLogs(lines).map((line) => line.message)).toEqual([
      'provider cancel failed; retrying', 'provider cancel failed; retrying', 'provider cancel failed; retrying', 'provider cancel failed',
    ]);
    expect(cancelLogs(lines).at(-1)!.fields).toMatchObject({ code: 'upstream_unavailable', attempts: 4 });
  });

  it('a retry still waiting when the scheduler stops is dropped, and does not hold the shutdown', async () => {
    const operation = await pendingDashScopeTask();
    fake.failNext('cancel', { kind: 'answer', answer: jsonAnswer(500, { code: 'InternalError', message: 'busy' }) });
    const { logger, lines } = recordingLogger();
    let taskId: string;
    ({ harness, taskId } = await schedulerPolling(operation, logger, { cancelRetryBackoff: { baseMs: 60_000, maxMs: 60_000 } }));
    await harness.service.cancel(taskId);
    await expect.poll(() => cancelLogs(lines).length).toBe(1);
    const stopping = Date.now();
    await harness.scheduler.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    await expect.poll(() => cancelLogs(lines).at(-1)?.message).toBe('provider cancel failed');
    expect(cancelLogs(lines).at(-1)!.fields).toMatchObject({ attempts: 1, stopped: true });
    expect(fake.cancels()).toHaveLength(1);
  });
});
