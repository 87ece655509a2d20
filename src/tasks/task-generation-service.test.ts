import { afterEach, describe, expect, it } from 'vitest';
import { completedResult, createHarness, deferred, FakeModel, FakeModels, type Harness } from './task-test-harness.ts';
import { TaskGenerationService, type TaskServiceDependencies, type TaskStreamEvent } from './task-generation-service.ts';
import { createMemoryTaskBackend } from './memory/create-memory-task-backend.ts';
import { makeTaskRecord } from './task-backend.case.test.ts';
import { TaskEvents } from './task-events.ts';
import { DecodedBase64 } from '../input/inline-base64-text.ts';
import { canonicalJson, hashGenerationRequest, hashRequest } from './request-hash.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function blockingHarness(): Promise<{ harness: Harness; release(): void; model: FakeModel }> {
  const models = new FakeModels();
  const gate = deferred();
  const model = models.add(new FakeModel('local', 'fake-model', async (_call, context) => {
    context.onProgress(25);
    await gate.promise;
    context.onProgress(75);
    return { status: 'completed', result: completedResult() };
  }));
  return { harness: await createHarness(models), release: () => gate.resolve(), model };
}

describe('task generation service', () => {
  it('returns the same task for the same Idempotency-Key and body, 409 for a different body', async () => {
    const setup = await blockingHarness();
    harness = setup.harness;
    const request = harness.request('local');
    const first = await harness.service.submit(request, { idempotencyKey: 'key-1' });
    expect(first.created).toBe(true);
    // Same body with its keys in another order is still the same body.
    const reordered = Object.fromEntries(Object.entries(structuredClone(request)).reverse()) as typeof request;
    const again = await harness.service.submit(reordered, { idempotencyKey: 'key-1' });
    expect(again).toMatchObject({ created: false, task: { id: first.task.id } });
    await expect(harness.service.submit({ ...request, parameters: { ...request.parameters, prompt: 'other' } }, { idempotencyKey: 'key-1' }))
      .rejects.toMatchObject({ code: 'task_idempotency_conflict', status: 409 });
    await expect(harness.service.submit(request, { idempotencyKey: 'key-1', webhookUrl: 'https://example.com/hook' }))
      .rejects.toMatchObject({ code: 'task_idempotency_conflict' });
    const unrelated = await harness.service.submit(request, { idempotencyKey: 'key-2' });
    expect(unrelated.task.id).not.toBe(first.task.id);
    await expect(harness.service.submit(request, { idempotencyKey: 'bad key with spaces' })).rejects.toMatchObject({ code: 'parameter_invalid' });
    await expect(harness.service.submit(request, { webhookUrl: 'ftp://example.com' })).rejects.toMatchObject({ code: 'parameter_invalid' });
    setup.release();
  });

  it('streams a snapshot, progress and the end of a task', async () => {
    const setup = await blockingHarness();
    harness = setup.harness;
    const { task } = await harness.service.submit(harness.request('local'));
    await expect.poll(() => setup.model.starts.length).toBe(1);
    const seen: TaskStreamEvent[] = [];
    const consumed = (async () => {
      for await (const event of harness!.service.events(task.id)) seen.push(event);
    })();
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    setup.release();
    await consumed;
    expect(seen[0]).toMatchObject({ name: 'task-state', task: { id: task.id, state: 'running', progress: 25 } });
    expect(seen.slice(1).map((event) => event.name)).toEqual(['task-progress', 'task-end']);
    expect(seen[1]).toMatchObject({ payload: { progress: 75 } });
    expect(seen[2]).toMatchObject({ payload: { task: { state: 'succeeded' } } });

    // A finished task streams its snapshot and ends.
    const replay: string[] = [];
    for await (const event of harness.service.events(task.id)) replay.push(event.name);
    expect(replay).toEqual(['task-state']);
  });

  it('ends a stream when the client goes away', async () => {
    const setup = await blockingHarness();
    harness = setup.harness;
    const { task } = await harness.service.submit(harness.request('local'));
    const client = new AbortController();
    const names: string[] = [];
    const consumed = (async () => {
      for await (const event of harness!.service.events(task.id, client.signal)) names.push(event.name);
    })();
    await expect.poll(() => names.length).toBeGreaterThan(0);
    client.abort();
    await consumed;
    expect(names[0]).toBe('task-state');
    setup.release();
  });

  it('lists with filters and cursor pagination, and validates the query', async () => {
    const models = new FakeModels();
    models.add(new FakeModel('local', 'fake-model', async () => ({ status: 'completed', result: completedResult() })));
    harness = await createHarness(models);
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      const { task } = await harness.service.submit(harness.request('local', index === 2 ? { service: 'image-to-video' } : {}));
      ids.push(task.id);
    }
    for (const id of ids) await harness.settled(id);
    const first = await harness.service.list({ limit: 2 });
    expect(first.tasks.map((task) => task.id)).toEqual([ids[4], ids[3]]);
    const second = await harness.service.list({ limit: 2, cursor: first.nextCursor });
    expect(second.tasks.map((task) => task.id)).toEqual([ids[2], ids[1]]);
    expect((await harness.service.list({ service: 'image-to-video' })).tasks.map((task) => task.id)).toEqual([ids[2]]);
    expect((await harness.service.list({ state: 'failed' })).tasks).toEqual([]);
    await expect(harness.service.list({ limit: 0 })).rejects.toMatchObject({ code: 'parameter_invalid' });
    await expect(harness.service.list({ cursor: 'nope' })).rejects.toMatchObject({ code: 'parameter_invalid' });
    await expect(harness.service.get('00000000-0000-7000-8000-000000000000')).rejects.toMatchObject({ code: 'task_not_found', status: 404 });
    await expect(harness.service.get('../etc/passwd')).rejects.toMatchObject({ code: 'task_not_found' });
  });
});

describe('waiting for a task', () => {
  it('returns a task that already ended without an unhandled rejection when the signal aborted first', async () => {
    const backend = createMemoryTaskBackend();
    const task = makeTaskRecord({ state: 'failed', finishedAt: new Date().toISOString() });
    await backend.store.insert(task);
    const service = new TaskGenerationService({
      backend, events: new TaskEvents(), maxAttempts: 3, deadlineMilliseconds: { 'image-to-image': 60_000, 'image-to-video': 60_000 },
    } as unknown as TaskServiceDependencies);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // POST /v1/tasks with Prefer: wait, whose client went away while the task failed fast: the route waits with an
      // aborted signal. An unhandled rejection would end a server process.
      const gone = new AbortController();
      gone.abort(new Error('client gone'));
      expect(await service.wait(task.id, { signal: gone.signal })).toMatchObject({ id: task.id, state: 'failed' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('a task finished by another process', () => {
  it('ends its event stream from the store, where no event of this process announces it', async () => {
    const backend = createMemoryTaskBackend();
    const task = makeTaskRecord({ state: 'running' });
    await backend.store.insert(task);
    const service = new TaskGenerationService({
      backend, events: new TaskEvents(), maxAttempts: 3, deadlineMilliseconds: { 'image-to-image': 60_000, 'image-to-video': 60_000 }, recheckMilliseconds: 20,
    } as unknown as TaskServiceDependencies);
    const seen: TaskStreamEvent[] = [];
    const consumed = (async () => {
      for await (const event of service.events(task.id)) seen.push(event);
    })();
    await expect.poll(() => seen.length).toBe(1);
    // The other process writes the end to the shared store; its 'task-end' event stays in that process.
    await backend.store.update(task.id, { state: 'succeeded', finishedAt: new Date().toISOString() }, ['running']);
    await consumed;
    expect(seen.map((event) => event.name)).toEqual(['task-state', 'task-end']);
    expect(seen[1]).toMatchObject({ payload: { task: { id: task.id, state: 'succeeded' } } });
  });
});

describe('request hash', () => {
  it('ignores key order and undefined members, but not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined], c: undefined } })).toBe('{"a":{"d":[1,null]},"b":1}');
    expect(hashRequest({ a: 1, b: 2 })).toBe(hashRequest({ b: 2, a: 1 }));
    expect(hashRequest({ a: 1 })).not.toBe(hashRequest({ a: 2 }));
  });

  it('counts a base64 image by its bytes, however it was encoded, at any size', async () => {
    const harness = await createHarness(new FakeModels());
    try {
      const bytes = Buffer.from('a small image: far below the size the route reads as bytes');
      const base64 = bytes.toString('base64');
      const hashOf = (value: string | DecodedBase64, type: 'base64' | 'path' = 'base64') =>
        hashGenerationRequest(harness.request('local', { image: { value, type }, parameters: { n: 1, prompt: 'same' } }), undefined);
      const bare = hashOf(base64);
      expect(hashOf(`data:image/png;base64,${base64}`)).toBe(bare);
      expect(hashOf(base64.replace(/(.{16})/g, '$1\n'))).toBe(bare); // line breaks from an encoder
      expect(hashOf(new DecodedBase64(bytes, base64.length))).toBe(bare); // read from the body's bytes
      expect(hashOf(Buffer.from('another image').toString('base64'))).not.toBe(bare);
      expect(hashOf(base64, 'path')).not.toBe(bare); // a path is its text
      expect(hashOf('not base64 at all!')).not.toBe(hashOf('not base64 at all?')); // refused later; hashed as text
    } finally {
      await harness.close();
    }
  });
});
