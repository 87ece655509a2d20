import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTaskRecord, runTaskBackendConformance } from '../task-backend.case.test.ts';
import { openSqliteTaskBackend, taskDatabaseFileName } from './open-sqlite-task-backend.ts';
import { openTaskDatabase } from './open-task-database.ts';
import { taskMigrations } from './task-migrations.ts';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-sqlite-tasks-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

let counter = 0;
runTaskBackendConformance({ name: 'sqlite file', create: () => openSqliteTaskBackend({ file: join(directory, `conformance-${counter++}.db`) }) });

describe('sqlite task backend', () => {
  it('keeps tasks and queue entries across a reopen, in WAL mode', async () => {
    const dataDirectory = join(directory, 'reopen');
    const first = openSqliteTaskBackend(dataDirectory);
    const task = makeTaskRecord({ operation: { taskId: 'abc' } });
    await first.store.insert(task);
    await first.queue.enqueue({ taskId: task.id, providerId: 'local', availableAt: 0 });
    await first.queue.claim({ owner: 'dead-process', now: 0, leaseMilliseconds: 60_000, excludeProviders: [] });
    await first.close();

    const second = openSqliteTaskBackend(dataDirectory);
    expect(await second.store.get(task.id)).toEqual(task);
    expect((await second.queue.get(task.id))?.lease?.owner).toBe('dead-process');
    await second.close();

    const raw = new Database(join(dataDirectory, taskDatabaseFileName), { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT version, name FROM migrations').all()).toEqual([
      { version: 1, name: 'tasks and task queue' },
      { version: 2, name: 'finish time and file references for retention' },
    ]);
    raw.close();
  });

  it('is exclusive only while no other live process holds the instance lock', async () => {
    const file = join(directory, 'lock.db');
    const first = openSqliteTaskBackend({ file });
    expect(first.exclusive).toBe(true);
    await first.close();
    const raw = openTaskDatabase(file);
    // A live process other than this one (the parent of the test worker) holds the lock.
    raw.prepare('INSERT INTO instance_lock (id, pid, started_at) VALUES (1, ?, ?)').run(process.ppid, new Date().toISOString());
    raw.close();
    const second = openSqliteTaskBackend({ file });
    expect(second.exclusive).toBe(false);
    await second.close();
    const overwrite = openTaskDatabase(file);
    // A holder that died (SIGKILL leaves its row behind) does not count.
    overwrite.prepare('UPDATE instance_lock SET pid = ?').run(2 ** 22 + 12345);
    overwrite.close();
    const third = openSqliteTaskBackend({ file });
    expect(third.exclusive).toBe(true);
    await third.close();
  });

  it('indexes finish times and file references of tasks stored before retention existed (migration 2)', async () => {
    const file = join(directory, 'backfill.db');
    const version1 = openTaskDatabase(file, taskMigrations.filter((migration) => migration.version === 1));
    const fileId = (letter: string) => `${letter.repeat(64)}.png`;
    const finished = makeTaskRecord({
      state: 'succeeded', createdAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-03T00:00:00.000Z', finishedAt: '2020-01-02T00:00:00.000Z',
      outputs: [{ fileId: fileId('c'), mediaType: 'image/png', size: 1 }, { fileId: fileId('d'), mediaType: 'image/png', size: 1 }],
    });
    finished.spec.mask = { fileId: fileId('b'), mediaType: 'image/png', width: 4, height: 4, hasAlpha: false };
    const canceled = makeTaskRecord({ state: 'canceled', createdAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-04T00:00:00.000Z' });
    canceled.spec.image = { ...canceled.spec.image, fileId: fileId('e') };
    const queued = makeTaskRecord({ createdAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z' });
    const insert = version1.prepare('INSERT INTO tasks (id, service, provider_id, state, created_at, updated_at, record) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const task of [finished, canceled, queued]) insert.run(task.id, task.service, task.providerId, task.state, task.createdAt, task.updatedAt, JSON.stringify(task));
    version1.close();

    const backend = openSqliteTaskBackend({ file });
    const asked = ['a', 'b', 'c', 'd', 'e', 'f'].map(fileId);
    expect(await backend.store.findReferencedFileIds(asked)).toEqual(new Set(['a', 'b', 'c', 'd', 'e'].map(fileId)));
    expect(await backend.store.deleteFinishedBefore('2020-01-02T00:00:00.000Z', 10)).toEqual([]);
    expect((await backend.store.deleteFinishedBefore('2020-01-05T00:00:00.000Z', 10)).map((task) => task.id)).toEqual([finished.id, canceled.id]);
    // The queued task keeps the shared input image ('a').
    expect(await backend.store.findReferencedFileIds(asked)).toEqual(new Set([fileId('a')]));
    expect(await backend.store.get(queued.id)).toEqual(queued);
    await backend.close();
  });

  it('applies new migrations once and refuses a database from a newer Atelier', () => {
    const file = join(directory, 'migrations.db');
    const steps = [{ version: 1, name: 'one', sql: 'CREATE TABLE one (id INTEGER)' }];
    openTaskDatabase(file, steps).close();
    const upgraded = openTaskDatabase(file, [...steps, { version: 2, name: 'two', sql: 'CREATE TABLE two (id INTEGER)' }]);
    expect(upgraded.prepare('SELECT version FROM migrations ORDER BY version').all()).toEqual([{ version: 1 }, { version: 2 }]);
    upgraded.close();
    expect(() => openTaskDatabase(file, steps)).toThrow(/schema version 2, newer than this Atelier knows \(1\)/);
  });
});
