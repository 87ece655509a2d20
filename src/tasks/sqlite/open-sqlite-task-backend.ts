import { join } from 'node:path';
import type { TaskBackend } from '../task-backend.ts';
import { openTaskDatabase } from './open-task-database.ts';
import { SqliteTaskQueue } from './sqlite-task-queue.ts';
import { SqliteTaskStore } from './sqlite-task-store.ts';

/** The file name of the task database inside the data directory. */
export const taskDatabaseFileName = 'atelier.db';

/**
 * Opens `<data-dir>/atelier.db` as store and queue. One server owns a data directory, which is why the scheduler may
 * treat every foreign lease in it as stalled on start-up (`exclusive: true`).
 *
 * @param location a data directory, or `{ file }` for an explicit database path (`:memory:` in tests)
 */
export function openSqliteTaskBackend(location: string | { file: string }): TaskBackend {
  const file = typeof location === 'string' ? join(location, taskDatabaseFileName) : location.file;
  const database = openTaskDatabase(file);
  const store = new SqliteTaskStore(database);
  const queue = new SqliteTaskQueue(database);
  return {
    store,
    queue,
    exclusive: true,
    close: async () => {
      if (database.open) database.close();
    },
  };
}
