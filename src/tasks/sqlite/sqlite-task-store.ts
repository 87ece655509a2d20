import type { Statement } from 'better-sqlite3';
import { applyTaskPatch } from '../apply-task-patch.ts';
import { fileIdsOfTask } from '../task-file-references.ts';
import { isTerminal, type TaskPatch, type TaskRecord, type TaskState } from '../task-record.ts';
import type { TaskInsertResult, TaskListQuery, TaskPage, TaskStore } from '../task-store.ts';
import type { TaskDatabase } from './open-task-database.ts';

interface RecordRow {
  record: string;
}

/** File ids per `findReferencedFileIds` statement: well under SQLite's limit on bound parameters. */
const fileIdsPerStatement = 500;

/**
 * `TaskStore` on SQLite (better-sqlite3). Calls are synchronous underneath; each method is one statement or one
 * `IMMEDIATE` transaction, so compare-and-set updates cannot interleave.
 */
export class SqliteTaskStore implements TaskStore {
  private readonly statements: {
    insert: Statement;
    get: Statement<[string], RecordRow>;
    byKey: Statement<[string], RecordRow>;
    write: Statement;
    expired: Statement<[string, number], RecordRow>;
    deleteTask: Statement<[string]>;
    insertFile: Statement<[string, string]>;
    deleteFiles: Statement<[string]>;
  };

  constructor(private readonly database: TaskDatabase, private readonly closeDatabase = false) {
    this.statements = {
      insert: database.prepare(`INSERT INTO tasks (id, service, provider_id, state, idempotency_key, webhook_state, created_at, updated_at, finished_at, record)
        VALUES (@id, @service, @providerId, @state, @idempotencyKey, @webhookState, @createdAt, @updatedAt, @finishedAt, @record)
        ON CONFLICT (idempotency_key) DO NOTHING`),
      get: database.prepare('SELECT record FROM tasks WHERE id = ?'),
      byKey: database.prepare('SELECT record FROM tasks WHERE idempotency_key = ?'),
      write: database.prepare(`UPDATE tasks SET state = @state, provider_id = @providerId, webhook_state = @webhookState,
        updated_at = @updatedAt, finished_at = @finishedAt, record = @record WHERE id = @id`),
      expired: database.prepare(`SELECT record FROM tasks WHERE finished_at < ? AND state IN ('succeeded', 'failed', 'canceled')
        AND (webhook_state IS NULL OR webhook_state <> 'pending') ORDER BY finished_at LIMIT ?`),
      deleteTask: database.prepare('DELETE FROM tasks WHERE id = ?'),
      insertFile: database.prepare('INSERT OR IGNORE INTO task_files (task_id, file_id) VALUES (?, ?)'),
      deleteFiles: database.prepare('DELETE FROM task_files WHERE task_id = ?'),
    };
  }

  async insert(task: TaskRecord): Promise<TaskInsertResult> {
    const created = this.database.transaction(() => {
      if (this.statements.insert.run(columns(task)).changes !== 1) return false;
      for (const fileId of fileIdsOfTask(task)) this.statements.insertFile.run(task.id, fileId);
      return true;
    }).immediate();
    if (created) return { task: structuredClone(task), created: true };
    const existing = task.idempotencyKey === undefined ? undefined : this.statements.byKey.get(task.idempotencyKey);
    if (!existing) throw new Error(`task ${task.id} could not be stored`);
    return { task: parse(existing), created: false };
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const row = this.statements.get.get(id);
    return row && parse(row);
  }

  async findByIdempotencyKey(key: string): Promise<TaskRecord | undefined> {
    const row = this.statements.byKey.get(key);
    return row && parse(row);
  }

  async update(id: string, patch: TaskPatch, expectedStates?: readonly TaskState[]): Promise<TaskRecord | undefined> {
    return this.database.transaction(() => {
      const row = this.statements.get.get(id);
      if (!row) return undefined;
      const task = parse(row);
      if (expectedStates && !expectedStates.includes(task.state)) return undefined;
      const updated = applyTaskPatch(task, patch, new Date());
      this.statements.write.run(columns(updated));
      const files = fileIdsOfTask(updated);
      if (files.join('\n') !== fileIdsOfTask(task).join('\n')) {
        this.statements.deleteFiles.run(id);
        for (const fileId of files) this.statements.insertFile.run(id, fileId);
      }
      return updated;
    }).immediate();
  }

  async list(query: TaskListQuery): Promise<TaskPage> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (query.states) {
      conditions.push(`state IN (${query.states.map(() => '?').join(', ')})`);
      parameters.push(...query.states);
    }
    if (query.service) {
      conditions.push('service = ?');
      parameters.push(query.service);
    }
    if (query.webhookState) {
      conditions.push('webhook_state = ?');
      parameters.push(query.webhookState);
    }
    if (query.cursor !== undefined) {
      conditions.push('id < ?');
      parameters.push(query.cursor);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    // One row more than asked tells whether another page exists.
    const rows = this.database.prepare(`SELECT record FROM tasks ${where} ORDER BY id DESC LIMIT ?`).all(...parameters, query.limit + 1) as RecordRow[];
    const tasks = rows.slice(0, query.limit).map(parse);
    return { tasks, nextCursor: rows.length > query.limit ? tasks[tasks.length - 1].id : undefined };
  }

  async deleteFinishedBefore(before: string, limit: number): Promise<TaskRecord[]> {
    return this.database.transaction(() => {
      const tasks = this.statements.expired.all(before, limit).map(parse);
      for (const task of tasks) {
        this.statements.deleteTask.run(task.id);
        this.statements.deleteFiles.run(task.id);
      }
      return tasks;
    }).immediate();
  }

  async findReferencedFileIds(fileIds: readonly string[]): Promise<Set<string>> {
    const referenced = new Set<string>();
    for (let start = 0; start < fileIds.length; start += fileIdsPerStatement) {
      const chunk = fileIds.slice(start, start + fileIdsPerStatement);
      const rows = this.database.prepare(`SELECT DISTINCT file_id FROM task_files WHERE file_id IN (${chunk.map(() => '?').join(', ')})`)
        .all(...chunk) as Array<{ file_id: string }>;
      for (const row of rows) referenced.add(row.file_id);
    }
    return referenced;
  }

  async close(): Promise<void> {
    if (this.closeDatabase && this.database.open) this.database.close();
  }
}

function parse(row: RecordRow): TaskRecord {
  return JSON.parse(row.record) as TaskRecord;
}

function columns(task: TaskRecord) {
  return {
    id: task.id,
    service: task.service,
    providerId: task.providerId,
    state: task.state,
    idempotencyKey: task.idempotencyKey ?? null,
    webhookState: task.webhook?.state ?? null,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    // The retention clock: see migration 2 and `TaskStore.deleteFinishedBefore`.
    finishedAt: isTerminal(task.state) ? (task.finishedAt ?? task.updatedAt) : null,
    record: JSON.stringify(task),
  };
}
