import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import { UpstreamFailure } from '../providers/shared/upstream-failure.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryTaskBackend } from './memory/create-memory-task-backend.ts';
import { openSqliteTaskBackend } from './sqlite/open-sqlite-task-backend.ts';
import { makeTaskRecord } from './task-backend.case.test.ts';
import {
  completedResult, createHarness, deferred, FakeModel, FakeModels, untilAborted, type Harness,
} from './task-test-harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const completed = async () => ({ status: 'completed' as const, result: completedResult() });

describe('task scheduler', () => {
  it('never runs one task twice when its lease lapsed and this scheduler claimed it again', async () => {
    const backend = createMemoryTaskBackend();
    const models = new FakeModels();
    const model = models.add(new FakeModel('local', 'fake-model', (_call, context) => untilAborted(context.signal)));
    // Renewals fail for a while (the database was locked): the run logs it and keeps working, the stalled check
    // releases its lease, and the pump claims the entry again under the same owner.
    let renewalsFail = true;
    const renew = backend.queue.renew.bind(backend.queue);
    backend.queue.renew = async (...args) => {
      if (renewalsFail) throw new Error('database is locked');
      return renew(...args);
    };
    harness = await createHarness(models, { backend }); // lease 300 ms, stalled check every 300 ms
    const { task } = await harness.service.submit(harness.request('local'));
    await expect.poll(() => model.starts.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    renewalsFail = false;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(model.maxRunning).toBe(1);
    expect(model.starts).toHaveLength(1);
    expect(harness.scheduler.runningCounts()).toEqual({ local: 1 });
    await harness.service.cancel(task.id); // the one run is still the task's and stops
    expect(await harness.settled(task.id)).toMatchObject({ state: 'canceled' });
    await expect.poll(() => harness!.scheduler.runningCounts()).toEqual({});
  });

  it('does not lose a wake-up that comes while it arms its timer for later work', async () => {
    const backend = createMemoryTaskBackend();
    const models = new FakeModels();
    models.add(new FakeModel('local', 'fake-model', completed));
    // The pump's last step asks the queue when work is next due. Hold the answer (read while the queue was empty)
    // until a task has been submitted: its notify arrives while that pump is still running.
    const nextAvailableAt = backend.queue.nextAvailableAt.bind(backend.queue);
    let hold: ReturnType<typeof deferred> | undefined;
    let held = false;
    backend.queue.nextAvailableAt = async (after, excludeProviders) => {
      const answer = await nextAvailableAt(after, excludeProviders);
      const gate = hold;
      hold = undefined;
      if (gate) {
        held = true;
        await gate.promise;
      }
      return answer;
    };
    harness = await createHarness(models, { backend });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the start-up pump is over
    const gate = deferred();
    hold = gate;
    harness.scheduler.notify();
    await expect.poll(() => held).toBe(true);
    const { task } = await harness.service.submit(harness.request('local'));
    gate.resolve();
    expect(await harness.service.wait(task.id, { waitMilliseconds: 3000 })).toMatchObject({ state: 'succeeded' });
  });

  it('runs a task to success: outputs stored, warnings merged, events in order', async () => {
    const models = new FakeModels();
    models.add(new FakeModel('local', 'fake-model', async (_call, context) => {
      context.onProgress(40);
      context.onProgress(40.7);
      return completed();
    }));
    harness = await createHarness(models);
    const { task } = await harness.service.submit(harness.request('local'));
    const done = await harness.settled(task.id);
    expect(done).toMatchObject({ state: 'succeeded', attempts: 1, progress: 100, usage: { images: 1 } });
    expect(done.outputs).toHaveLength(1);
    expect((await harness.fileStore.find(done.outputs[0].fileId))?.mediaType).toBe('image/png');
    expect(done.warnings.map((warning) => warning.feature)).toEqual(['model', 'test']);
    expect(harness.log).toEqual([`task-created:${task.id}`, `task-start:${task.id}`, `task-progress:${task.id}:40`, `task-end:${task.id}`]);
    const { outcome } = await harness.service.run(harness.request('local'), {});
    expect(outcome.files[0].path).toContain(outcome.files[0].id);
  });

  it('starts a model only once the task\'s input is on disk, unless the model holds its submission itself', async () => {
    const models = new FakeModels();
    const waiting = new FakeModel('aliyun', 'fake-model', completed);
    const overlapping = Object.assign(new FakeModel('stepfun', 'fake-model', completed), { submitsAfterInputsStored: true });
    models.add(waiting);
    models.add(overlapping);
    harness = await createHarness(models);
    const stored = deferred();
    harness.fileStore.whenStored = () => stored.promise;
    // submit itself waits for the input too (an answer naming the task promises it is durable): not awaited here.
    const submitted = [harness.service.submit(harness.request('aliyun')), harness.service.submit(harness.request('stepfun'))];
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(waiting.starts).toHaveLength(0);
    expect(overlapping.starts).toHaveLength(1);
    expect(overlapping.starts[0].context.inputsStored).toBe(stored.promise);
    stored.resolve();
    const tasks = await Promise.all(submitted);
    for (const { task } of tasks) expect((await harness.settled(task.id)).state).toBe('succeeded');
    expect(waiting.starts).toHaveLength(1);
  });

  it('puts the original pixels back outside the mask of a cloud inpainting result, scaled to the input\'s size', async () => {
    const models = new FakeModels();
    // The "provider" repainted everything green and answered at twice the input's 8×8.
    const edited = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#00c800' } }).jpeg().toBuffer();
    models.add(new FakeModel('aliyun', 'fake-model', async () => ({ status: 'completed', result: { outputs: [{ bytes: edited, mediaType: 'image/jpeg', seed: 7 }], warnings: [], usage: {} } })));
    harness = await createHarness(models);
    const maskPixels = Buffer.alloc(8 * 8);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 4; x++) maskPixels[y * 8 + x] = 255; // left half = edit
    const mask = await sharp(maskPixels, { raw: { width: 8, height: 8, channels: 1 } }).png().toBuffer();
    const { task } = await harness.service.submit(harness.request('aliyun', { mask: { value: mask.toString('base64'), type: 'base64' } }));
    const done = await harness.settled(task.id);
    expect(done.state).toBe('succeeded');
    expect(done.outputs[0]).toMatchObject({ mediaType: 'image/png', seed: 7 });
    expect(done.warnings.find((warning) => warning.feature === 'size')).toMatchObject({ type: 'substituted' });
    const pixels = await sharp(await harness.fileStore.read(done.outputs[0].fileId)).removeAlpha().raw().toBuffer();
    for (let pixel = 0; pixel < 64; pixel++) {
      const rgb = [...pixels.subarray(pixel * 3, pixel * 3 + 3)];
      if (pixel % 8 < 4) expect(rgb[1]).toBeGreaterThan(150);
      else expect(rgb).toEqual([0x33, 0x66, 0x99]);
    }
  });

  it('never runs more tasks of a provider at once than its limit, and providers do not block each other', async () => {
    const models = new FakeModels({ local: 2, aliyun: 1 });
    const release = deferred();
    const local = models.add(new FakeModel('local', 'fake-model', async () => {
      await release.promise;
      return completed();
    }));
    const cloudStarted = deferred();
    const cloud = models.add(new FakeModel('aliyun', 'fake-model', async () => {
      cloudStarted.resolve();
      return completed();
    }));
    harness = await createHarness(models);
    const ids = [];
    for (let index = 0; index < 5; index++) ids.push((await harness.service.submit(harness.request('local'))).task.id);
    const cloudTask = (await harness.service.submit(harness.request('aliyun'))).task.id;
    await cloudStarted.promise; // the cloud task runs although local is saturated
    expect((await harness.settled(cloudTask)).state).toBe('succeeded');
    expect(local.running).toBe(2);
    expect(harness.scheduler.runningCounts().local).toBe(2);
    release.resolve();
    for (const id of ids) expect((await harness.settled(id)).state).toBe('succeeded');
    expect(local.maxRunning).toBe(2);
    expect(local.starts).toHaveLength(5);
    expect(cloud.maxRunning).toBe(1);
  });

  it('retries retryable embedded-engine failures with growing, jittered delays', async () => {
    const models = new FakeModels();
    const model = models.add(new FakeModel('local', 'fake-model', async (_call, _context, index) => {
      if (index < 2) throw new GatewayError('engine_failed', { stage: 'test', reason: `failure ${index}` });
      return completed();
    }));
    harness = await createHarness(models);
    const delays: number[] = [];
    harness.events.on('task-retry', ({ task, delayMilliseconds }) => {
      delays.push(delayMilliseconds);
      expect(task).toMatchObject({ state: 'queued', lastError: { code: 'engine_failed' } });
    });
    const { task } = await harness.service.submit(harness.request('local'));
    const done = await harness.settled(task.id);
    expect(done).toMatchObject({ state: 'succeeded', attempts: 3 });
    expect(model.starts).toHaveLength(3);
    // Equal jitter: retry n waits between half and all of base·2ⁿ (base 20 ms in the harness).
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(10);
    expect(delays[0]).toBeLessThanOrEqual(20);
    expect(delays[1]).toBeGreaterThanOrEqual(20);
    expect(delays[1]).toBeLessThanOrEqual(40);
    // The same submission key goes to every attempt.
    expect(new Set(model.starts.map((start) => start.context.idempotencyKey)).size).toBe(1);
  });

  it('stops retrying after maxAttempts and keeps the last error', async () => {
    const models = new FakeModels();
    const model = models.add(new FakeModel('local', 'fake-model', async () => {
      throw new GatewayError('engine_failed', { stage: 'test', reason: 'always' });
    }));
    harness = await createHarness(models, { maxAttempts: 2 });
    const { task } = await harness.service.submit(harness.request('local'));
    const done = await harness.settled(task.id);
    expect(done).toMatchObject({ state: 'failed', attempts: 2, error: { code: 'engine_failed', retryable: true } });
    expect(model.starts).toHaveLength(2);
  });

  it('does not retry errors that are not retryable', async () => {
    const models = new FakeModels();
    const model = models.add(new FakeModel('local', 'fake-model', async () => {
      throw new GatewayError('style_unknown', { known: 'a, b', received: 'c' });
    }));
    harness = await createHarness(models);
    const { task } = await harness.service.submit(harness.request('local'));
    expect(await harness.settled(task.id)).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'style_unknown' } });
    expect(model.starts).toHaveLength(1);
    await expect(harness.service.run(harness.request('local'), {})).rejects.toMatchObject({ code: 'style_unknown', extra: { task_id: expect.any(String) } });
  });

  it('never re-submits a billable cloud start after an error that may hide an accepted task', async () => {
    const models = new FakeModels();
    const model = models.add(new FakeModel('aliyun', 'fake-model', async () => {
      throw new GatewayError('upstream_timeout', { provider: 'aliyun', timeoutMs: 30000 }, { cause: new UpstreamFailure('timeout') });
    }));
    harness = await createHarness(models);
    const { task } = await harness.service.submit(harness.request('aliyun'));
    expect(await harness.settled(task.id)).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'upstream_timeout' } });
    expect(model.starts).toHaveLength(1);
  });

  it('re-submits a cloud start that was provably refused (429 throttling)', async () => {
    const models = new FakeModels();
    const model = models.add(new FakeModel('aliyun', 'fake-model', async (_call, _context, index) => {
      if (index === 0) {
        throw new GatewayError('upstream_rate_limited', { provider: 'aliyun', providerCode: 'Throttling', attempts: 3 }, { cause: new UpstreamFailure('http', { httpStatus: 429 }) });
      }
      return completed();
    }));
    harness = await createHarness(models);
    const { task } = await harness.service.submit(harness.request('aliyun'));
    expect(await harness.settled(task.id)).toMatchObject({ state: 'succeeded', attempts: 2 });
    expect(model.starts).toHaveLength(2);
  });

  it('polls an async provider, persists the operation and reports progress', async () => {
    const models = new FakeModels();
    models.add(new FakeModel('aliyun', 'fake-model', async () => ({ status: 'pending', operation: { taskId: 'upstream-1' }, progress: 5 }), {
      status: async (_operation, _context, index) => {
        if (index === 1) throw new GatewayError('upstream_unavailable', { provider: 'aliyun', reason: 'reset' });
        return index < 3 ? { status: 'pending', progress: index * 30 } : { status: 'completed', result: completedResult() };
      },
    }));
    harness = await createHarness(models);
    const { task } = await harness.service.submit(harness.request('aliyun'));
    const done = await harness.settled(task.id);
    expect(done).toMatchObject({ state: 'succeeded', attempts: 1, operation: { taskId: 'upstream-1' } });
    const model = models.modelFor('aliyun') as FakeModel;
    expect(model.statusCalls).toHaveLength(4); // one failed poll was retried, never a second start
    expect(model.starts).toHaveLength(1);
    expect(harness.log).toContain(`task-progress:${task.id}:60`);
  });

  it('fails an async task the provider reports failed, without re-submitting it', async () => {
    const models = new FakeModels();
    const model = models.add(new FakeModel('aliyun', 'fake-model', async () => ({ status: 'pending', operation: 'op' }), {
      status: async () => ({ status: 'failed', error: new GatewayError('upstream_task_failed', { provider: 'aliyun', providerCode: 'InternalError', providerMessage: 'boom' }) }),
    }));
    harness = await createHarness(models);
    const { task } = await harness.service.submit(harness.request('aliyun'));
    expect(await harness.settled(task.id)).toMatchObject({ state: 'failed', error: { code: 'upstream_task_failed', parameters: { providerCode: 'InternalError' } } });
    expect(model.starts).toHaveLength(1);
  });

  it('fails a task that passes its deadline and cancels the upstream operation', async () => {
    const models = new FakeModels();
    const model = models.add(new FakeModel('aliyun', 'fake-model', async () => ({ status: 'pending', operation: { id: 'slow' } }), {
      status: async () => ({ status: 'pending' }),
      cancelable: true,
    }));
    harness = await createHarness(models, { deadlineMilliseconds: 150 });
    const { task } = await harness.service.submit(harness.request('aliyun'));
    expect(await harness.settled(task.id)).toMatchObject({ state: 'failed', error: { code: 'task_deadline_exceeded' } });
    await expect.poll(() => model.cancels).toEqual([{ id: 'slow' }]);
  });

  it('aborts embedded-engine work at the deadline', async () => {
    const models = new FakeModels();
    let aborted = false;
    models.add(new FakeModel('local', 'fake-model', async (_call, context) => {
      context.signal.addEventListener('abort', () => (aborted = true));
      return untilAborted(context.signal);
    }));
    harness = await createHarness(models, { deadlineMilliseconds: 100 });
    const { task } = await harness.service.submit(harness.request('local'));
    expect(await harness.settled(task.id)).toMatchObject({ state: 'failed', error: { code: 'task_deadline_exceeded' } });
    expect(aborted).toBe(true);
  });

  describe('cancel', () => {
    it('cancels a queued task at once; it never starts', async () => {
      const models = new FakeModels({ local: 1 });
      const release = deferred();
      const model = models.add(new FakeModel('local', 'fake-model', async () => {
        await release.promise;
        return completed();
      }));
      harness = await createHarness(models);
      const first = (await harness.service.submit(harness.request('local'))).task;
      const second = (await harness.service.submit(harness.request('local'))).task;
      await expect.poll(() => model.starts.length).toBe(1);
      const canceled = await harness.service.cancel(second.id);
      expect(canceled).toMatchObject({ state: 'canceled' });
      expect(await harness.backend.queue.get(second.id)).toBeUndefined();
      release.resolve();
      expect((await harness.settled(first.id)).state).toBe('succeeded');
      expect(model.starts).toHaveLength(1);
      expect((await harness.service.get(second.id)).state).toBe('canceled');
      // Canceling again is harmless; canceling a finished task is refused.
      expect((await harness.service.cancel(second.id)).state).toBe('canceled');
      await expect(harness.service.cancel(first.id)).rejects.toMatchObject({ code: 'task_already_finished', status: 409 });
    });

    it('aborts a running embedded-engine task and discards its result', async () => {
      const models = new FakeModels();
      const model = models.add(new FakeModel('local', 'fake-model', async (_call, context) => untilAborted(context.signal)));
      harness = await createHarness(models);
      const { task } = await harness.service.submit(harness.request('local'));
      await expect.poll(() => model.starts.length).toBe(1);
      await harness.service.cancel(task.id);
      expect(model.starts[0].context.signal.aborted).toBe(true);
      expect(await harness.settled(task.id)).toMatchObject({ state: 'canceled', outputs: [] });

      // A synchronous caller waiting on a task that gets canceled receives task_canceled.
      const waiting = harness.service.run(harness.request('local'), {});
      await expect.poll(() => model.starts.length).toBe(2);
      const [running] = (await harness.service.list({ state: 'running' })).tasks;
      await harness.service.cancel(running.id);
      await expect(waiting).rejects.toMatchObject({ code: 'task_canceled', extra: { task_id: running.id } });
    });

    it('cancels a polling cloud task at the provider', async () => {
      const models = new FakeModels();
      const model = models.add(new FakeModel('aliyun', 'fake-model', async () => ({ status: 'pending', operation: { id: 'op-9' } }), {
        status: async () => ({ status: 'pending', progress: 10 }),
        cancelable: true,
      }));
      harness = await createHarness(models);
      const { task } = await harness.service.submit(harness.request('aliyun'));
      await expect.poll(() => model.statusCalls.length).toBeGreaterThan(0);
      await harness.service.cancel(task.id);
      await expect.poll(() => model.cancels).toEqual([{ id: 'op-9' }]);
      expect((await harness.service.get(task.id)).state).toBe('canceled');
    });

    it('lets a cloud start in flight return, then cancels its operation upstream', async () => {
      const models = new FakeModels();
      const accepted = deferred<{ status: 'pending'; operation: string }>();
      const model = models.add(new FakeModel('aliyun', 'fake-model', () => accepted.promise, {
        status: async () => ({ status: 'completed', result: completedResult() }),
        cancelable: true,
      }));
      harness = await createHarness(models);
      const { task } = await harness.service.submit(harness.request('aliyun'));
      await expect.poll(() => model.starts.length).toBe(1);
      await harness.service.cancel(task.id);
      expect(model.starts[0].context.signal.aborted).toBe(false);
      accepted.resolve({ status: 'pending', operation: 'late-op' });
      await expect.poll(() => model.cancels).toEqual(['late-op']);
      expect(await harness.service.get(task.id)).toMatchObject({ state: 'canceled', outputs: [] });
      expect(model.statusCalls).toHaveLength(0);
    });
  });

  it('recovers after a crash: queued run, local re-run, cloud resumes polling, an interrupted cloud start fails', async () => {
    const backend = createMemoryTaskBackend();
    const local = new FakeModel('local', 'fake-model', completed);
    const cloud = new FakeModel('aliyun', 'fake-model', completed, {
      status: async () => ({ status: 'completed', result: completedResult() }),
    });
    const models = new FakeModels();
    models.add(local);
    models.add(cloud);
    harness = await createHarness(models, { backend, manualStart: true });
    const input = (await harness.backend.store.list({ limit: 1 })).tasks; // empty: just proves the backend is shared
    expect(input).toEqual([]);
    const spec = { ...makeTaskRecord().spec };
    const storedImage = await harness.fileStore.put(Buffer.from((await import('./task-test-harness.ts')).resultPng), 'image/png');
    spec.image = { ...spec.image, fileId: storedImage.id };
    const crashed = [
      makeTaskRecord({ spec, providerId: 'local', state: 'queued' }),
      makeTaskRecord({ spec, providerId: 'local', state: 'running', runPhase: 'starting', attempts: 1 }),
      makeTaskRecord({ spec, providerId: 'aliyun', state: 'running', runPhase: 'polling', attempts: 1, operation: { taskId: 'saved' } }),
      makeTaskRecord({ spec, providerId: 'aliyun', state: 'running', runPhase: 'starting', attempts: 1 }),
      makeTaskRecord({ spec, providerId: 'local', state: 'queued' }), // stored, but the crash came before it was queued
    ];
    for (const task of crashed) await backend.store.insert(task);
    for (const task of crashed.slice(0, 4)) await backend.queue.enqueue({ taskId: task.id, providerId: task.providerId, availableAt: 0 });
    for (let index = 0; index < 4; index++) {
      await backend.queue.claim({ owner: 'dead-process', now: 0, leaseMilliseconds: 3_600_000, excludeProviders: [] });
    }

    expect(await harness.scheduler.start()).toEqual({ released: 4, requeued: 1 });
    const results = await Promise.all(crashed.map((task) => harness!.settled(task.id)));
    expect(results.map((task) => task.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed', 'succeeded']);
    expect(results[1].attempts).toBe(2);
    expect(results[2].attempts).toBe(1);
    expect(results[3].error).toMatchObject({ code: 'task_interrupted' });
    expect(local.starts).toHaveLength(3);
    expect(cloud.starts).toHaveLength(0); // resumed by its handle, and the interrupted one is not re-sent
    expect(cloud.statusCalls).toEqual([{ taskId: 'saved' }]);
    await expect.poll(() => backend.queue.size()).toBe(0);
  });

  it('answers a sync wait that runs out with task_wait_timeout while the task keeps running', async () => {
    const models = new FakeModels();
    const release = deferred();
    models.add(new FakeModel('local', 'fake-model', async () => {
      await release.promise;
      return completed();
    }));
    harness = await createHarness(models);
    const error = await harness.service.run(harness.request('local'), { waitMilliseconds: 30 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'task_wait_timeout', status: 504, extra: { task_id: expect.any(String) } });
    const taskId = (error as GatewayError).extra.task_id as string;
    expect((await harness.service.get(taskId)).state).toBe('running');
    release.resolve();
    expect((await harness.settled(taskId)).state).toBe('succeeded');
  });

  it('stops waiting when the caller goes away, without stopping the task', async () => {
    const models = new FakeModels();
    const release = deferred();
    models.add(new FakeModel('local', 'fake-model', async () => {
      await release.promise;
      return completed();
    }));
    harness = await createHarness(models);
    const { task } = await harness.service.submit(harness.request('local'));
    const client = new AbortController();
    const waiting = harness.service.wait(task.id, { signal: client.signal });
    client.abort(new Error('client disconnected'));
    await expect(waiting).rejects.toThrow('client disconnected');
    release.resolve();
    expect((await harness.settled(task.id)).state).toBe('succeeded');
  });

  it('runs, retries and cancels the same way on the SQLite backend', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'atelier-scheduler-sqlite-'));
    try {
      const models = new FakeModels({ local: 1 });
      const release = deferred();
      const model = models.add(new FakeModel('local', 'fake-model', async (_call, context, index) => {
        if (index === 0) throw new GatewayError('engine_failed', { stage: 'test', reason: 'first try' });
        if (index === 1) await release.promise;
        context.onProgress(50);
        return completed();
      }));
      harness = await createHarness(models, { backend: openSqliteTaskBackend(directory) });
      const retried = (await harness.service.submit(harness.request('local'))).task;
      await expect.poll(() => model.starts.length).toBe(2);
      const queued = (await harness.service.submit(harness.request('local'))).task;
      expect((await harness.service.cancel(queued.id)).state).toBe('canceled');
      release.resolve();
      expect(await harness.settled(retried.id)).toMatchObject({ state: 'succeeded', attempts: 2, progress: 100 });
      await expect.poll(() => harness!.backend.queue.size()).toBe(0);
      expect(model.starts).toHaveLength(2);
    } finally {
      await harness?.close();
      harness = undefined;
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('turns an unconfigured provider into a clear failure', async () => {
    const models = new FakeModels();
    models.add(new FakeModel('local', 'fake-model', completed));
    harness = await createHarness(models);
    const { task } = await harness.service.submit(harness.request('vanished'));
    expect(await harness.settled(task.id)).toMatchObject({ state: 'failed', error: { code: 'provider_not_configured' } });
  });
});
