import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTaskRecord, runTaskBackendConformance } from '../task-backend.case.test.ts';
import { openSqliteTaskBackend, taskDatabaseFileName } from './open-sqlite-task-backend.ts';
import { openTaskDatabase } from './open-task-database.ts';

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
    expect(raw.prepare('SELECT version, name FROM migrations').all()).toEqual([{ version: 1, name: 'tasks and task queue' }]);
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
