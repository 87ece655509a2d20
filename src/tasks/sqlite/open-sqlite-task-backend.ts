import { join } from 'node:path';
import type { TaskBackend } from '../task-backend.ts';
import { openTaskDatabase, type TaskDatabase } from './open-task-database.ts';
import { SqliteTaskQueue } from './sqlite-task-queue.ts';
import { SqliteTaskStore } from './sqlite-task-store.ts';

/** The file name of the task database inside the data directory. */
export const taskDatabaseFileName = 'atelier.db';

/**
 * Opens `<data-dir>/atelier.db` as store and queue. The backend is `exclusive` (leases left in it are known dead at
 * start-up) only when no other live process holds the database's instance lock: a CLI run next to a running
 * server must not take the server's tasks away.
 *
 * @param location a data directory, or `{ file }` for an explicit database path
 */
export function openSqliteTaskBackend(location: string | { file: string }): TaskBackend {
  const file = typeof location === 'string' ? join(location, taskDatabaseFileName) : location.file;
  const database = openTaskDatabase(file);
  const exclusive = acquireInstanceLock(database);
  return {
    store: new SqliteTaskStore(database),
    queue: new SqliteTaskQueue(database),
    exclusive,
    close: async () => {
      if (!database.open) return;
      if (exclusive) database.prepare('DELETE FROM instance_lock WHERE pid = ?').run(process.pid);
      database.close();
    },
  };
}

/** Takes the lock unless a live process other than this one holds it (a killed holder leaves a dead pid behind). */
function acquireInstanceLock(database: TaskDatabase): boolean {
  return database.transaction(() => {
    const holder = database.prepare('SELECT pid FROM instance_lock WHERE id = 1').get() as { pid: number } | undefined;
    if (holder && holder.pid !== process.pid && isAlive(holder.pid)) return false;
    database.prepare('INSERT INTO instance_lock (id, pid, started_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, started_at = excluded.started_at')
      .run(process.pid, new Date().toISOString());
    return true;
  }).immediate();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
