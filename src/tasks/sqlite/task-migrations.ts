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
];
