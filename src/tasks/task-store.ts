import type { ServiceName } from '../providers/spec/generation-call.ts';
import type { TaskPatch, TaskRecord, TaskState, TaskWebhook } from './task-record.ts';

/** Filters and paging for `TaskStore.list`; results are newest first. */
export interface TaskListQuery {
  states?: readonly TaskState[];
  service?: ServiceName;
  webhookState?: TaskWebhook['state'];
  /** 1–1000. */
  limit: number;
  /** `nextCursor` of the previous page: only tasks older than it are returned. */
  cursor?: string;
}

export interface TaskPage {
  tasks: TaskRecord[];
  /** Present when more tasks match; pass it back as `cursor`. */
  nextCursor?: string;
}

/** The outcome of `insert`: the stored task, and whether this call created it. */
export interface TaskInsertResult {
  task: TaskRecord;
  /** False when a task with the same idempotency key already existed; `task` is then that task. */
  created: boolean;
}

/**
 * Durable storage of task records. The scheduler and the generation service see only this interface (and
 * `TaskQueue`), so a PostgreSQL table can replace SQLite: every method maps onto one statement or one short
 * transaction (`update` is `UPDATE … WHERE id = $1 AND state = ANY($2) RETURNING *`).
 *
 * Implementations must return copies: mutating a returned record never changes the stored one.
 */
export interface TaskStore {
  /**
   * Stores a new task. When `task.idempotencyKey` is already taken, stores nothing and returns the existing task with
   * `created: false` (atomically, so two concurrent submits with one key make one task).
   */
  insert(task: TaskRecord): Promise<TaskInsertResult>;
  get(id: string): Promise<TaskRecord | undefined>;
  findByIdempotencyKey(key: string): Promise<TaskRecord | undefined>;
  /**
   * Applies `patch` (and sets `updatedAt`) when the task exists and, if `expectedStates` is given, is in one of them.
   * Returns the updated task, or undefined when nothing was changed: this compare-and-set is what keeps a canceled
   * task from being overwritten by a runner that finishes late.
   */
  update(id: string, patch: TaskPatch, expectedStates?: readonly TaskState[]): Promise<TaskRecord | undefined>;
  list(query: TaskListQuery): Promise<TaskPage>;
  /**
   * Deletes up to `limit` finished tasks (succeeded, failed or canceled) whose finish time — `finishedAt`, else
   * `updatedAt` — is before `before`, oldest first, and returns them. Tasks still delivering a webhook (`webhook.state`
   * `pending`) are kept until it is delivered or given up. Unfinished tasks are never deleted. The retention sweep
   * calls it repeatedly, so one call stays one short transaction
   * (PostgreSQL: `DELETE FROM tasks WHERE id IN (SELECT id … ORDER BY finished_at LIMIT $2) RETURNING record`).
   *
   * @param before ISO 8601 time
   * @param limit 1–1000 tasks per call
   */
  deleteFinishedBefore(before: string, limit: number): Promise<TaskRecord[]>;
  /**
   * Which of `fileIds` any stored task references (`fileIdsOfTask`: input image, mask, outputs). The retention
   * sweep asks this about candidate files in batches, so an implementation keeps an index from file id to task
   * (PostgreSQL: a `task_files (task_id, file_id)` table with `ON DELETE CASCADE`, and
   * `SELECT DISTINCT file_id FROM task_files WHERE file_id = ANY($1)`).
   */
  findReferencedFileIds(fileIds: readonly string[]): Promise<Set<string>>;
  close(): Promise<void>;
}
