import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../logging/logger.ts';
import { FileStore } from '../storage/file-store.ts';
import { MemoryTaskStore } from './memory/memory-task-store.ts';
import { RetentionSweeper } from './retention-sweeper.ts';
import { makeTaskRecord } from './task-backend.case.test.ts';
import type { TaskRecord } from './task-record.ts';
import type { TaskStore } from './task-store.ts';

const hour = 3_600_000;
const day = 24 * hour;
/**
 * The fake clock: every sweep in these tests happens at this instant (whole seconds, so file times set from it read
 * back exactly). Taken from the real clock because `FileStore.put` stamps files with the real time.
 */
const now = Math.floor(Date.now() / 1000) * 1000;
const retentionMilliseconds = 30 * day;

let dataDirectory: string;
let fileStore: FileStore;
let store: MemoryTaskStore;
let logged: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
let logger: Logger;

beforeEach(async () => {
  dataDirectory = await mkdtemp(join(tmpdir(), 'atelier-retention-'));
  fileStore = new FileStore(dataDirectory);
  store = new MemoryTaskStore();
  logged = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => void logged.push({ level, message, fields });
  logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dataDirectory, { recursive: true, force: true });
});

function sweeper(options: { store?: TaskStore; batchSize?: number; intervalMilliseconds?: number } = {}): RetentionSweeper {
  return new RetentionSweeper({ store: options.store ?? store, fileStore, logger, retentionMilliseconds, now: () => now, batchSize: options.batchSize, intervalMilliseconds: options.intervalMilliseconds });
}

/** Stores `content` and sets its modification time to `ageMilliseconds` before the fake clock. */
async function storedFile(content: string, ageMilliseconds: number): Promise<string> {
  const stored = await fileStore.put(Buffer.from(content), 'image/png');
  const when = new Date(now - ageMilliseconds);
  await utimes(stored.path, when, when);
  return stored.id;
}

function iso(ageMilliseconds: number): string {
  return new Date(now - ageMilliseconds).toISOString();
}

function task(overrides: Partial<TaskRecord>, files: { image: string; mask?: string; outputs?: string[] }): TaskRecord {
  const base = makeTaskRecord({ createdAt: iso(60 * day), updatedAt: iso(60 * day), ...overrides });
  const reference = (fileId: string) => ({ fileId, mediaType: 'image/png', width: 4, height: 4, hasAlpha: false });
  return {
    ...base,
    spec: { ...base.spec, image: reference(files.image), ...(files.mask ? { mask: reference(files.mask) } : {}) },
    outputs: (files.outputs ?? []).map((fileId) => ({ fileId, mediaType: 'image/png', size: 1 })),
  };
}

async function exists(id: string): Promise<boolean> {
  return (await fileStore.find(id)) !== undefined;
}

describe('RetentionSweeper', () => {
  it('deletes old finished tasks and their unreferenced old files, and keeps everything else', async () => {
    const sharedInput = await storedFile('shared input', 50 * day);
    const oldMask = await storedFile('old mask', 50 * day);
    const oldOutput = await storedFile('old output', 40 * day);
    const keptOutput = await storedFile('output of a recent task', 40 * day);
    const queuedInput = await storedFile('input of a queued task', 60 * day);
    const oldOrphan = await storedFile('never referenced', 31 * day);
    const youngOrphan = await storedFile('stored a moment ago, task row not written yet', 1000);
    const borderline = await storedFile('exactly as old as the retention', retentionMilliseconds);

    const expired = task({ state: 'succeeded', finishedAt: iso(31 * day) }, { image: sharedInput, mask: oldMask, outputs: [oldOutput] });
    const recent = task({ state: 'succeeded', finishedAt: iso(29 * day) }, { image: sharedInput, outputs: [keptOutput] });
    const running = task({ state: 'running', startedAt: iso(60 * day) }, { image: sharedInput });
    const queued = task({ state: 'queued' }, { image: queuedInput });
    const failedLongAgo = task({ state: 'failed', finishedAt: iso(90 * day) }, { image: sharedInput });
    for (const record of [expired, recent, running, queued, failedLongAgo]) await store.insert(record);

    const report = await sweeper().sweep();

    expect(report).toEqual({ deletedTasks: 2, deletedFiles: 3, deletedTemporaries: 0, freedBytes: 'old mask'.length + 'old output'.length + 'never referenced'.length });
    expect(await store.get(expired.id)).toBeUndefined();
    expect(await store.get(failedLongAgo.id)).toBeUndefined();
    for (const kept of [recent, running, queued]) expect(await store.get(kept.id)).toEqual(kept);
    for (const id of [oldMask, oldOutput, oldOrphan]) expect(await exists(id), id).toBe(false);
    for (const id of [sharedInput, keptOutput, queuedInput, youngOrphan, borderline]) expect(await exists(id), id).toBe(true);
    expect(logged).toContainEqual({ level: 'info', message: 'retention sweep', fields: expect.objectContaining({ deletedTasks: 2, deletedFiles: 3, freedBytes: report.freedBytes }) });

    // Nothing more to do: a second sweep deletes nothing and logs quietly.
    expect(await sweeper().sweep()).toEqual({ deletedTasks: 0, deletedFiles: 0, deletedTemporaries: 0, freedBytes: 0 });
    expect(logged.at(-1)).toMatchObject({ level: 'debug', message: 'retention sweep' });
  });

  it('keeps an old file that was stored again, as a new task does with an input image seen before', async () => {
    const input = await storedFile('reused input', 40 * day);
    // The task that will reference it is not written yet; storing the bytes again is what protects the file.
    await fileStore.put(Buffer.from('reused input'), 'image/png');
    expect((await sweeper().sweep()).deletedFiles).toBe(0);
    expect(await exists(input)).toBe(true);
  });

  it('removes temporary files older than a day, whatever the retention', async () => {
    const id = await storedFile('a result', 0);
    const shard = join(fileStore.root, id.slice(0, 2));
    const stale = `${id}.0b5e3c4e-1f0a-4a7e-9a57-2d7e8f1c6a10.partial`;
    const writing = `${id}.1c6f4d5f-2a1b-4b8f-8b68-3e8f9a2d7b21.partial`;
    const interruptedRemoval = `${id}.2d7a5e6a-3b2c-4c9a-9c79-4f9a0b3e8c32.deleting`;
    for (const [name, ageMilliseconds] of [[stale, 2 * day], [writing, hour], [interruptedRemoval, 45 * day]] as const) {
      await writeFile(join(shard, name), 'bytes');
      await utimes(join(shard, name), new Date(now - ageMilliseconds), new Date(now - ageMilliseconds));
    }
    const report = await sweeper().sweep();
    expect(report).toMatchObject({ deletedTemporaries: 2, deletedFiles: 0, freedBytes: 10 });
    expect((await readdir(shard)).sort()).toEqual([id, writing].sort());
  });

  it('works in batches, however many tasks and files expired', async () => {
    const calls: number[] = [];
    const counting: TaskStore = Object.assign(Object.create(store) as TaskStore, {
      deleteFinishedBefore: async (before: string, limit: number) => {
        const deleted = await store.deleteFinishedBefore(before, limit);
        calls.push(deleted.length);
        return deleted;
      },
    });
    for (let index = 0; index < 7; index++) {
      const output = await storedFile(`output ${index}`, 40 * day);
      await store.insert(task({ state: 'canceled', finishedAt: iso(35 * day) }, { image: await storedFile(`input ${index}`, 40 * day), outputs: [output] }));
    }
    const report = await sweeper({ store: counting, batchSize: 3 }).sweep();
    expect(calls).toEqual([3, 3, 1]);
    expect(report).toMatchObject({ deletedTasks: 7, deletedFiles: 14 });
    expect((await store.list({ limit: 10 })).tasks).toEqual([]);
  });

  it('logs a failed sweep instead of throwing, and the next one runs', async () => {
    const failing: TaskStore = Object.assign(Object.create(store) as TaskStore, {
      deleteFinishedBefore: async () => {
        throw new Error('database is locked');
      },
    });
    expect(await sweeper({ store: failing }).sweep()).toEqual({ deletedTasks: 0, deletedFiles: 0, deletedTemporaries: 0, freedBytes: 0 });
    expect(logged).toContainEqual({ level: 'warn', message: 'retention sweep failed', fields: { error: expect.any(Error) } });
  });

  it('sweeps at start, then every interval, and not after stop', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const spy = vi.spyOn(store, 'deleteFinishedBefore');
    const periodic = sweeper({ intervalMilliseconds: hour });
    periodic.start();
    periodic.start(); // a second start adds no second timer, which stop would not clear
    await vi.waitFor(() => expect(spy).toHaveBeenCalledTimes(1));
    await periodic.sweep();
    vi.advanceTimersByTime(hour);
    await vi.waitFor(() => expect(spy).toHaveBeenCalledTimes(2));
    await periodic.sweep();
    await periodic.stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5 * hour);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('stops a sweep in progress after its current batch', async () => {
    let batches = 0;
    const endless: TaskStore = Object.assign(Object.create(store) as TaskStore, {
      // Always a full batch: only stop() ends this sweep.
      deleteFinishedBefore: async (_before: string, limit: number) => {
        batches++;
        return Array.from({ length: limit }, () => makeTaskRecord({ state: 'succeeded' }));
      },
    });
    const stoppable = sweeper({ store: endless, batchSize: 2 });
    const sweeping = stoppable.sweep();
    await vi.waitFor(() => expect(batches).toBeGreaterThan(3));
    await stoppable.stop();
    const report = await sweeping;
    const after = batches;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(batches).toBe(after);
    expect(report.deletedTasks).toBe(2 * after);
  });
});
