import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryTaskBackend } from './memory/create-memory-task-backend.ts';
import { openSqliteTaskBackend } from './sqlite/open-sqlite-task-backend.ts';
import { makeTaskRecord } from './task-backend.case.test.ts';
import { completedResult, createHarness, deferred, FakeModel, FakeModels, resultPng, type Harness } from './task-test-harness.ts';
import type { StatusResult } from '../providers/spec/provider-model.ts';

/*
 * A result a cloud provider already made was paid for: neither a deadline that passes while it is on its way, nor a
 * lost lease, nor a restart after the deadline may throw it away (docs/architecture.md, "Deadline").
 */

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const completed = async () => ({ status: 'completed' as const, result: completedResult() });

describe('a paid cloud result is never thrown away', () => {
  it('keeps the result of a synchronous cloud call that returns after the task\'s deadline passed', async () => {
    const models = new FakeModels();
    const answered = deferred<void>();
    const model = models.add(new FakeModel('tencent', 'fake-model', async () => {
      await answered.promise;
      return completed();
    }));
    harness = await createHarness(models, { deadlineMilliseconds: 150 });
    const { task } = await harness.service.submit(harness.request('tencent'));
    await expect.poll(() => model.starts.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the deadline passes while the billed call runs
    answered.resolve();
    const done = await harness.settled(task.id);
    expect(done).toMatchObject({ state: 'succeeded', attempts: 1 });
    expect(done.outputs).toHaveLength(1);
    expect(model.starts).toHaveLength(1);
  });

  it('keeps the result of a synchronous cloud call whose lease was lost while it ran, and never starts it again', async () => {
    const backend = createMemoryTaskBackend();
    const models = new FakeModels();
    const answered = deferred<void>();
    const model = models.add(new FakeModel('tencent', 'fake-model', async () => {
      await answered.promise;
      return completed();
    }));
    const renew = backend.queue.renew.bind(backend.queue);
    let leaseHeld = true;
    backend.queue.renew = async (...args) => (leaseHeld ? renew(...args) : false);
    harness = await createHarness(models, { backend }); // lease 300 ms, renewed every 100 ms
    const { task } = await harness.service.submit(harness.request('tencent'));
    await expect.poll(() => model.starts.length).toBe(1);
    leaseHeld = false;
    await new Promise((resolve) => setTimeout(resolve, 250)); // a renewal finds the lease gone
    leaseHeld = true;
    answered.resolve();
    const done = await harness.settled(task.id);
    expect(done, JSON.stringify(done.error)).toMatchObject({ state: 'succeeded' });
    expect(done.outputs).toHaveLength(1);
    expect(model.starts).toHaveLength(1);
  });

  it('after a restart past the deadline, looks at the saved operation once and keeps a result the provider finished meanwhile', async () => {
    const { model, done } = await restartPastDeadline('finished-upstream', async () => ({ status: 'completed', result: completedResult() }));
    expect(done, JSON.stringify(done.error)).toMatchObject({ state: 'succeeded', attempts: 1 });
    expect(done.outputs).toHaveLength(1);
    expect(model.statusCalls).toEqual([{ taskId: 'finished-upstream' }]);
    expect(model.starts).toHaveLength(0);
    expect(model.cancels).toHaveLength(0);
  });

  it('after a restart past the deadline, fails a task whose provider has not finished and cancels it there', async () => {
    const { model, done } = await restartPastDeadline('still-running', async () => ({ status: 'pending', progress: 40 }));
    expect(done).toMatchObject({ state: 'failed', error: { code: 'task_deadline_exceeded' } });
    await expect.poll(() => model.cancels).toEqual([{ taskId: 'still-running' }]);
    expect(model.starts).toHaveLength(0);
  });
});

/**
 * A task that was polling when the process died, restarted after its deadline passed: its provider answers a status
 * call with `status`. Resolves with the model and the task as it settled.
 */
async function restartPastDeadline(upstreamTaskId: string, status: () => Promise<StatusResult>) {
  const backend = createMemoryTaskBackend();
  const models = new FakeModels();
  const model = models.add(new FakeModel('aliyun', 'fake-model', completed, { status, cancelable: true }));
  harness = await createHarness(models, { backend, manualStart: true });
  const stored = await harness.fileStore.put(resultPng, 'image/png');
  const base = makeTaskRecord();
  const spec = { ...base.spec, providerId: 'aliyun', image: { ...base.spec.image, fileId: stored.id } };
  const crashed = makeTaskRecord({
    spec, providerId: 'aliyun', state: 'running', runPhase: 'polling', attempts: 1, operation: { taskId: upstreamTaskId },
    createdAt: new Date(Date.now() - 1_800_000).toISOString(), deadlineAt: Date.now() - 1000,
  });
  await backend.store.insert(crashed);
  await harness.scheduler.start();
  return { model, done: await harness.settled(crashed.id) };
}

describe('an accepted cloud operation that could not be saved', () => {
  it('is canceled at the provider rather than left running (and billing) with nobody polling it', async () => {
    const backend = createMemoryTaskBackend();
    const models = new FakeModels();
    const model = models.add(new FakeModel('aliyun', 'fake-model', async () => ({ status: 'pending', operation: { taskId: 'accepted' } }), {
      status: async () => ({ status: 'pending' }),
      cancelable: true,
    }));
    const update = backend.store.update.bind(backend.store);
    backend.store.update = async (id, patch, states) => {
      if (patch.operation !== undefined) throw new Error('disk I/O error');
      return update(id, patch, states);
    };
    harness = await createHarness(models, { backend });
    const { task } = await harness.service.submit(harness.request('aliyun'));
    expect(await harness.settled(task.id)).toMatchObject({ state: 'failed', error: { code: 'internal_error' } });
    await expect.poll(() => model.cancels).toEqual([{ taskId: 'accepted' }]);
    expect(model.starts).toHaveLength(1);
  });
});

describe('Idempotency-Key across a restart and under concurrency', () => {
  it('gives the same task for the same key and body after a restart, resumes it without a second submission, and 409 for another body', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'atelier-idempotency-review-'));
    try {
      const pending = { status: async () => ({ status: 'pending' as const }) };
      const firstModels = new FakeModels();
      const firstModel = firstModels.add(new FakeModel('aliyun', 'fake-model', async () => ({ status: 'pending', operation: { taskId: 'kept' } }), pending));
      harness = await createHarness(firstModels, { backend: openSqliteTaskBackend(directory) });
      const request = harness.request('aliyun');
      const { task } = await harness.service.submit(request, { idempotencyKey: 'clip-1' });
      await expect.poll(async () => (await harness!.service.get(task.id)).operation).toEqual({ taskId: 'kept' });
      await harness.close(); // the process ends while the task is polling

      const secondModels = new FakeModels();
      const secondModel = secondModels.add(new FakeModel('aliyun', 'fake-model', async () => ({ status: 'pending', operation: { taskId: 'second' } }), pending));
      harness = await createHarness(secondModels, { backend: openSqliteTaskBackend(directory) });
      const again = await harness.service.submit(request, { idempotencyKey: 'clip-1' });
      expect(again).toMatchObject({ created: false, task: { id: task.id } });
      await expect(harness.service.submit({ ...request, parameters: { ...request.parameters, prompt: 'another' } }, { idempotencyKey: 'clip-1' }))
        .rejects.toMatchObject({ code: 'task_idempotency_conflict' });
      await expect.poll(() => secondModel.statusCalls.length).toBeGreaterThan(0);
      expect(secondModel.statusCalls[0]).toEqual({ taskId: 'kept' });
      expect(firstModel.starts.length + secondModel.starts.length).toBe(1);
    } finally {
      await harness?.close();
      harness = undefined;
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('makes one task and one submission for concurrent requests with the same key, on SQLite and in memory', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'atelier-idempotency-review-'));
    try {
      for (const backend of [openSqliteTaskBackend(directory), createMemoryTaskBackend()]) {
        const models = new FakeModels();
        const model = models.add(new FakeModel('tencent', 'fake-model', completed));
        harness = await createHarness(models, { backend });
        const request = harness.request('tencent');
        const answers = await Promise.all(Array.from({ length: 8 }, () => harness!.service.submit(request, { idempotencyKey: 'same' })));
        expect(new Set(answers.map((answer) => answer.task.id)).size).toBe(1);
        expect(answers.filter((answer) => answer.created)).toHaveLength(1);
        expect(await harness.settled(answers[0].task.id)).toMatchObject({ state: 'succeeded' });
        expect(model.starts).toHaveLength(1);
        await harness.close();
        harness = undefined;
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
