/**
 * The one conformance suite every task backend runs (memory, SQLite; a future PostgreSQL + Redis backend too).
 * Not collected on its own (vitest excludes `*.case.test.ts`); each backend's test file calls
 * `runTaskBackendConformance` with a factory.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskBackend } from './task-backend.ts';
import { createTaskId } from './task-id.ts';
import type { TaskRecord } from './task-record.ts';

export interface BackendConformanceOptions {
  name: string;
  create(): TaskBackend | Promise<TaskBackend>;
  /** Cases this backend cannot pass, each with the reason (none today). */
  skip?: Array<{ test: string; reason: string }>;
}

/** A minimal valid record; `overrides` replace fields. */
export function makeTaskRecord(overrides: Partial<TaskRecord> = {}): TaskRecord {
  const now = new Date().toISOString();
  return {
    id: createTaskId(),
    service: 'image-to-image',
    providerId: 'local',
    modelId: 'atelier-image',
    state: 'queued',
    spec: {
      service: 'image-to-image',
      providerId: 'local',
      modelId: 'atelier-image',
      image: { fileId: `${'a'.repeat(64)}.png`, mediaType: 'image/png', width: 4, height: 4, hasAlpha: false },
      parameters: { n: 1, prompt: 'watercolor' },
      providerOptions: {},
      warnings: [],
    },
    attempts: 0,
    maxAttempts: 3,
    submissionKey: randomUUID(),
    progress: 0,
    outputs: [],
    warnings: [],
    createdAt: now,
    updatedAt: now,
    deadlineAt: Date.now() + 60_000,
    ...overrides,
  };
}

export function runTaskBackendConformance(options: BackendConformanceOptions): void {
  const skipped = new Map((options.skip ?? []).map((entry) => [entry.test, entry.reason] as const));
  // A skipped case carries its reason in its name, so the test report prints why.
  const test = (name: string, body: () => Promise<void>) =>
    skipped.has(name) ? it.skip(`${name} — skipped: ${skipped.get(name)}`, body) : it(name, body);

  describe(`task backend conformance: ${options.name}`, () => {
    let backend: TaskBackend;
    beforeEach(async () => {
      backend = await options.create();
    });
    afterEach(async () => {
      await backend.close();
    });

    describe('store', () => {
      test('round-trips a full record unchanged', async () => {
        const task = makeTaskRecord({
          operation: { taskId: 'upstream-1', region: 'cn', nested: [1, true, null] },
          warnings: [{ type: 'substituted', feature: 'model', details: 'served locally' }],
          error: { code: 'upstream_task_failed', message: 'failed', retryable: false, parameters: { provider: 'aliyun' }, extra: {} },
          webhook: { url: 'https://example.com/hook', state: 'pending', attempts: 0 },
          usage: { videoSeconds: 5 },
        });
        expect((await backend.store.insert(task)).created).toBe(true);
        expect(await backend.store.get(task.id)).toEqual(task);
      });

      test('returns copies that callers cannot mutate', async () => {
        const task = makeTaskRecord();
        const { task: stored } = await backend.store.insert(task);
        stored.state = 'failed';
        stored.outputs.push({ fileId: 'x', mediaType: 'image/png', size: 1 });
        const fetched = await backend.store.get(task.id);
        fetched!.progress = 99;
        expect(await backend.store.get(task.id)).toMatchObject({ state: 'queued', outputs: [], progress: 0 });
      });

      test('answers undefined for an unknown id', async () => {
        expect(await backend.store.get(createTaskId())).toBeUndefined();
        expect(await backend.store.update(createTaskId(), { progress: 5 })).toBeUndefined();
      });

      test('keeps one task per idempotency key', async () => {
        const key = `test-${randomUUID()}`;
        const first = makeTaskRecord({ idempotencyKey: key, requestHash: 'hash-1' });
        const second = makeTaskRecord({ idempotencyKey: key, requestHash: 'hash-2' });
        expect((await backend.store.insert(first)).created).toBe(true);
        const again = await backend.store.insert(second);
        expect(again.created).toBe(false);
        expect(again.task.id).toBe(first.id);
        expect(again.task.requestHash).toBe('hash-1');
        expect(await backend.store.get(second.id)).toBeUndefined();
        expect((await backend.store.findByIdempotencyKey(key))?.id).toBe(first.id);
        expect(await backend.store.findByIdempotencyKey('other')).toBeUndefined();
      });

      test('updates with a patch, skipping undefined fields and stamping updatedAt', async () => {
        const task = makeTaskRecord({ createdAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z', operation: { id: 'keep' } });
        await backend.store.insert(task);
        const updated = await backend.store.update(task.id, { state: 'running', progress: 40, operation: undefined, attempts: 1 });
        expect(updated).toMatchObject({ state: 'running', progress: 40, attempts: 1, operation: { id: 'keep' }, createdAt: task.createdAt });
        expect(updated!.updatedAt > task.updatedAt).toBe(true);
        expect(await backend.store.get(task.id)).toEqual(updated);
      });

      test('refuses an update when the state is not the expected one', async () => {
        const task = makeTaskRecord({ state: 'canceled' });
        await backend.store.insert(task);
        expect(await backend.store.update(task.id, { state: 'succeeded' }, ['running'])).toBeUndefined();
        expect((await backend.store.get(task.id))?.state).toBe('canceled');
        expect((await backend.store.update(task.id, { progress: 1 }, ['queued', 'canceled']))?.progress).toBe(1);
      });

      test('lists newest first with filters', async () => {
        const tasks = [
          makeTaskRecord({ state: 'queued' }),
          makeTaskRecord({ state: 'succeeded', service: 'image-to-video' }),
          makeTaskRecord({ state: 'failed', webhook: { url: 'https://example.com', state: 'pending', attempts: 0 } }),
          makeTaskRecord({ state: 'succeeded' }),
        ];
        for (const task of tasks) await backend.store.insert(task);
        const all = await backend.store.list({ limit: 10 });
        expect(all.tasks.map((task) => task.id)).toEqual([...tasks].reverse().map((task) => task.id));
        expect(all.nextCursor).toBeUndefined();
        const succeeded = await backend.store.list({ limit: 10, states: ['succeeded'] });
        expect(succeeded.tasks.map((task) => task.id)).toEqual([tasks[3].id, tasks[1].id]);
        const videos = await backend.store.list({ limit: 10, service: 'image-to-video' });
        expect(videos.tasks.map((task) => task.id)).toEqual([tasks[1].id]);
        const unfinished = await backend.store.list({ limit: 10, states: ['queued', 'running'] });
        expect(unfinished.tasks.map((task) => task.id)).toEqual([tasks[0].id]);
        const webhooks = await backend.store.list({ limit: 10, webhookState: 'pending' });
        expect(webhooks.tasks.map((task) => task.id)).toEqual([tasks[2].id]);
      });

      test('pages through every task exactly once with the cursor', async () => {
        const ids: string[] = [];
        for (let index = 0; index < 7; index++) ids.push((await backend.store.insert(makeTaskRecord())).task.id);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await backend.store.list({ limit: 3, cursor });
          seen.push(...page.tasks.map((task) => task.id));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== undefined);
        expect(pages).toBe(3);
        expect(seen).toEqual([...ids].reverse());
      });
    });

    describe('retention', () => {
      const old = (day: number) => `2020-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;
      const cutoff = '2021-01-01T00:00:00.000Z';
      const file = (letter: string) => `${letter.repeat(64)}.png`;
      const input = (letter: string) => ({ fileId: file(letter), mediaType: 'image/png', width: 4, height: 4, hasAlpha: false });
      const output = (letter: string) => ({ fileId: file(letter), mediaType: 'image/png', size: 10 });
      const withInputs = (image: string, mask?: string) => ({ spec: { ...makeTaskRecord().spec, image: input(image), ...(mask ? { mask: input(mask) } : {}) } });

      test('deletes finished tasks older than the cutoff, oldest first, a batch at a time', async () => {
        const key = `test-${randomUUID()}`;
        const expired = [
          makeTaskRecord({ state: 'failed', createdAt: old(1), updatedAt: old(9), finishedAt: old(2), idempotencyKey: key }),
          makeTaskRecord({ state: 'succeeded', createdAt: old(1), updatedAt: old(9), finishedAt: old(1) }),
          // No finishedAt: the last update counts.
          makeTaskRecord({ state: 'canceled', createdAt: old(1), updatedAt: old(3) }),
        ];
        const kept = [
          makeTaskRecord({ state: 'succeeded', createdAt: old(1), updatedAt: old(1), finishedAt: new Date().toISOString() }),
          makeTaskRecord({ state: 'queued', createdAt: old(1), updatedAt: old(1) }),
          makeTaskRecord({ state: 'running', createdAt: old(1), updatedAt: old(1), startedAt: old(1) }),
          // Its completion webhook is still being delivered.
          makeTaskRecord({ state: 'succeeded', createdAt: old(1), updatedAt: old(1), finishedAt: old(1), webhook: { url: 'https://example.com/hook', state: 'pending', attempts: 2 } }),
        ];
        for (const task of [...kept, ...expired]) await backend.store.insert(task);

        const first = await backend.store.deleteFinishedBefore(cutoff, 2);
        expect(first).toEqual([expired[1], expired[0]]);
        expect((await backend.store.deleteFinishedBefore(cutoff, 2)).map((task) => task.id)).toEqual([expired[2].id]);
        expect(await backend.store.deleteFinishedBefore(cutoff, 2)).toEqual([]);

        for (const task of expired) expect(await backend.store.get(task.id)).toBeUndefined();
        for (const task of kept) expect(await backend.store.get(task.id)).toEqual(task);
        expect((await backend.store.list({ limit: 100 })).tasks.map((task) => task.id).sort()).toEqual(kept.map((task) => task.id).sort());
        // The key of a deleted task is free again.
        expect(await backend.store.findByIdempotencyKey(key)).toBeUndefined();
        expect((await backend.store.insert(makeTaskRecord({ idempotencyKey: key }))).created).toBe(true);
      });

      test('measures a task finished by an update from that update', async () => {
        const task = makeTaskRecord({ state: 'running', createdAt: old(1), updatedAt: old(1) });
        await backend.store.insert(task);
        expect(await backend.store.deleteFinishedBefore(cutoff, 10)).toEqual([]);
        await backend.store.update(task.id, { state: 'succeeded', finishedAt: old(5) }, ['running']);
        expect(await backend.store.deleteFinishedBefore(old(5), 10)).toEqual([]);
        expect((await backend.store.deleteFinishedBefore(old(6), 10)).map((deleted) => deleted.id)).toEqual([task.id]);
        // Delivered webhook: the task may go.
        const delivered = makeTaskRecord({ state: 'succeeded', finishedAt: old(1), webhook: { url: 'https://example.com/hook', state: 'pending', attempts: 0 } });
        await backend.store.insert(delivered);
        expect(await backend.store.deleteFinishedBefore(cutoff, 10)).toEqual([]);
        await backend.store.update(delivered.id, { webhook: { ...delivered.webhook!, state: 'delivered', attempts: 1 } });
        expect((await backend.store.deleteFinishedBefore(cutoff, 10)).map((deleted) => deleted.id)).toEqual([delivered.id]);
      });

      test('tells which file ids the remaining tasks reference: inputs, masks and outputs', async () => {
        const edit = makeTaskRecord({ ...withInputs('1', '2'), state: 'succeeded', finishedAt: old(1), outputs: [output('3'), output('4')] });
        const sharing = makeTaskRecord({ ...withInputs('1'), state: 'running' });
        await backend.store.insert(edit);
        await backend.store.insert(sharing);
        const asked = ['1', '2', '3', '4', '5', '6'].map(file);
        expect(await backend.store.findReferencedFileIds(asked)).toEqual(new Set(['1', '2', '3', '4'].map(file)));
        expect(await backend.store.findReferencedFileIds([])).toEqual(new Set());

        await backend.store.update(sharing.id, { state: 'succeeded', finishedAt: new Date().toISOString(), outputs: [output('5')] }, ['running']);
        expect(await backend.store.findReferencedFileIds(asked)).toEqual(new Set(['1', '2', '3', '4', '5'].map(file)));

        await backend.store.deleteFinishedBefore(cutoff, 10);
        // The input both tasks used stays referenced by the one that is left.
        expect(await backend.store.findReferencedFileIds(asked)).toEqual(new Set(['1', '5'].map(file)));
      });

      test('counts an image stored for a provider option (a style reference) as referenced, until its task goes', async () => {
        const styled = makeTaskRecord({ ...withInputs('1'), state: 'running' });
        styled.spec.providerOptionFiles = { style_ref_url: { fileId: file('7'), mediaType: 'image/png' } };
        await backend.store.insert(styled);
        expect(await backend.store.findReferencedFileIds([file('1'), file('7')])).toEqual(new Set([file('1'), file('7')]));

        await backend.store.update(styled.id, { state: 'succeeded', finishedAt: old(1), outputs: [output('8')] }, ['running']);
        expect(await backend.store.findReferencedFileIds([file('7'), file('8')])).toEqual(new Set([file('7'), file('8')]));
        await backend.store.deleteFinishedBefore(cutoff, 10);
        expect(await backend.store.findReferencedFileIds([file('1'), file('7'), file('8')])).toEqual(new Set());
      });

      test('answers for many file ids at once', async () => {
        const outputs = Array.from({ length: 1200 }, (_, index) => ({ fileId: `${index.toString(16).padStart(64, '0')}.png`, mediaType: 'image/png', size: 1 }));
        await backend.store.insert(makeTaskRecord({ state: 'succeeded', outputs }));
        const asked = [...outputs.map((entry) => entry.fileId), file('f')];
        const referenced = await backend.store.findReferencedFileIds(asked);
        expect(referenced.size).toBe(1200);
        expect(referenced.has(file('f'))).toBe(false);
      });
    });

    describe('queue', () => {
      const owner = 'owner-a';
      const base = { owner, leaseMilliseconds: 1000, excludeProviders: [] as string[] };

      test('hands out ready entries oldest first and only once', async () => {
        await backend.queue.enqueue({ taskId: 't1', providerId: 'local', availableAt: 100 });
        await backend.queue.enqueue({ taskId: 't2', providerId: 'local', availableAt: 50 });
        await backend.queue.enqueue({ taskId: 't3', providerId: 'local', availableAt: 100 });
        await backend.queue.enqueue({ taskId: 't1', providerId: 'local', availableAt: 0 }); // no-op: already queued
        expect(await backend.queue.size()).toBe(3);
        const order: string[] = [];
        for (;;) {
          const entry = await backend.queue.claim({ ...base, now: 200 });
          if (!entry) break;
          expect(entry.lease).toEqual({ owner, expiresAt: 1200 });
          order.push(entry.taskId);
        }
        expect(order).toEqual(['t2', 't1', 't3']);
      });

      test('waits for availableAt and skips excluded providers', async () => {
        await backend.queue.enqueue({ taskId: 'later', providerId: 'local', availableAt: 500 });
        await backend.queue.enqueue({ taskId: 'cloud', providerId: 'aliyun', availableAt: 0 });
        expect(await backend.queue.claim({ ...base, now: 100, excludeProviders: ['aliyun'] })).toBeUndefined();
        expect(await backend.queue.nextAvailableAt(100, ['aliyun'])).toBe(500);
        expect(await backend.queue.nextAvailableAt(-1, [])).toBe(0);
        expect(await backend.queue.nextAvailableAt(500, [])).toBeUndefined();
        expect((await backend.queue.claim({ ...base, now: 100 }))?.taskId).toBe('cloud');
        expect((await backend.queue.claim({ ...base, now: 500 }))?.taskId).toBe('later');
        expect(await backend.queue.nextAvailableAt(-1, [])).toBeUndefined();
      });

      test('renews and releases only for the lease owner', async () => {
        await backend.queue.enqueue({ taskId: 't1', providerId: 'local', availableAt: 0 });
        await backend.queue.claim({ ...base, now: 0 });
        expect(await backend.queue.renew('t1', 'someone-else', 1000, 10)).toBe(false);
        expect(await backend.queue.renew('t1', owner, 1000, 10)).toBe(true);
        expect((await backend.queue.get('t1'))?.lease).toEqual({ owner, expiresAt: 1010 });
        expect(await backend.queue.release('t1', 'someone-else', 0)).toBe(false);
        expect(await backend.queue.release('t1', owner, 300)).toBe(true);
        expect(await backend.queue.get('t1')).toEqual({ taskId: 't1', providerId: 'local', availableAt: 300 });
        expect(await backend.queue.claim({ ...base, now: 299 })).toBeUndefined();
        expect((await backend.queue.claim({ ...base, now: 300 }))?.taskId).toBe('t1');
      });

      test('removes entries', async () => {
        await backend.queue.enqueue({ taskId: 't1', providerId: 'local', availableAt: 0 });
        await backend.queue.remove('t1');
        await backend.queue.remove('t1');
        expect(await backend.queue.get('t1')).toBeUndefined();
        expect(await backend.queue.claim({ ...base, now: 0 })).toBeUndefined();
      });

      test('requeues stalled entries whose lease expired', async () => {
        await backend.queue.enqueue({ taskId: 'stalled', providerId: 'local', availableAt: 0 });
        await backend.queue.enqueue({ taskId: 'alive', providerId: 'local', availableAt: 0 });
        await backend.queue.claim({ ...base, now: 0, leaseMilliseconds: 100 });
        await backend.queue.claim({ ...base, now: 0, leaseMilliseconds: 10_000 });
        expect(await backend.queue.requeueStalled({ now: 50 })).toEqual([]);
        expect(await backend.queue.requeueStalled({ now: 100 })).toEqual(['stalled']);
        const reclaimed = await backend.queue.claim({ ...base, owner: 'owner-b', now: 101 });
        expect(reclaimed).toMatchObject({ taskId: 'stalled', lease: { owner: 'owner-b' } });
        // The first owner lost it: renewing must fail so it stops writing.
        expect(await backend.queue.renew('stalled', owner, 100, 102)).toBe(false);
      });

      test('releases foreign leases at once when asked (exclusive start-up)', async () => {
        await backend.queue.enqueue({ taskId: 'old', providerId: 'local', availableAt: 0 });
        await backend.queue.enqueue({ taskId: 'mine', providerId: 'local', availableAt: 0 });
        await backend.queue.claim({ ...base, owner: 'previous-process', now: 0, leaseMilliseconds: 60_000 });
        await backend.queue.claim({ ...base, owner: 'me', now: 0, leaseMilliseconds: 60_000 });
        expect(await backend.queue.requeueStalled({ now: 1, releaseForeignLeases: { owner: 'me' } })).toEqual(['old']);
        expect((await backend.queue.get('mine'))?.lease?.owner).toBe('me');
      });
    });
  });
}
