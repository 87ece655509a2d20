/** One schema step. Steps are append-only: a released step is never edited, only followed by a new one. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The task database schema. A task row keeps the whole record as JSON (`record`) plus the few columns that are
 * filtered or kept unique; the queue is its own table so that it can move to another backend on its own.
 */
export const taskMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'tasks and task queue',
    sql: `
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        service TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        state TEXT NOT NULL,
        idempotency_key TEXT UNIQUE,
        webhook_state TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        record TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX tasks_by_state ON tasks (state, id);
      CREATE INDEX tasks_by_service ON tasks (service, id);
      CREATE INDEX tasks_by_webhook_state ON tasks (webhook_state, id) WHERE webhook_state IS NOT NULL;

      CREATE TABLE task_queue (
        task_id TEXT PRIMARY KEY,
        provider_id TEXT NOT NULL,
        available_at INTEGER NOT NULL,
        enqueued_order INTEGER NOT NULL,
        lease_owner TEXT,
        lease_expires_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX task_queue_ready ON task_queue (available_at, enqueued_order) WHERE lease_owner IS NULL;

      CREATE TABLE instance_lock (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        pid INTEGER NOT NULL,
        started_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'finish time and file references for retention',
    // `finished_at` is the retention clock of a finished task (its `finishedAt`, else `updatedAt`; NULL while
    // unfinished). `task_files` indexes the file ids of `fileIdsOfTask` (input image, mask, outputs) so the sweep can
    // ask which files are still referenced without reading every record; the backfill below is that function in SQL.
    sql: `
      ALTER TABLE tasks ADD COLUMN finished_at TEXT;
      UPDATE tasks SET finished_at = COALESCE(json_extract(record, '$.finishedAt'), updated_at)
        WHERE state IN ('succeeded', 'failed', 'canceled');
      CREATE INDEX tasks_by_finished_at ON tasks (finished_at) WHERE finished_at IS NOT NULL;

      CREATE TABLE task_files (
        task_id TEXT NOT NULL,
        file_id TEXT NOT NULL,
        PRIMARY KEY (task_id, file_id)
      ) WITHOUT ROWID;
      CREATE INDEX task_files_by_file ON task_files (file_id);
      INSERT OR IGNORE INTO task_files (task_id, file_id)
        SELECT id, json_extract(record, '$.spec.image.fileId') FROM tasks WHERE json_extract(record, '$.spec.image.fileId') IS NOT NULL
        UNION SELECT id, json_extract(record, '$.spec.mask.fileId') FROM tasks WHERE json_extract(record, '$.spec.mask.fileId') IS NOT NULL
        UNION SELECT tasks.id, json_extract(output.value, '$.fileId') FROM tasks, json_each(tasks.record, '$.outputs') AS output
          WHERE json_extract(output.value, '$.fileId') IS NOT NULL;
    `,
  },
];
