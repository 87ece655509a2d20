import type { TaskInsertResult, TaskListQuery, TaskPage, TaskStore } from '../task-store.ts';
import { isTerminal, type TaskPatch, type TaskRecord, type TaskState } from '../task-record.ts';
import { applyTaskPatch } from '../apply-task-patch.ts';
import { fileIdsOfTask } from '../task-file-references.ts';

/** Deep copy through JSON: exactly what a persistent backend does, so tests catch non-serialisable fields. */
function copy(task: TaskRecord): TaskRecord {
  return JSON.parse(JSON.stringify(task)) as TaskRecord;
}

/** A `TaskStore` in a Map, for unit tests and the in-process CLI (nothing survives the process). */
export class MemoryTaskStore implements TaskStore {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly byIdempotencyKey = new Map<string, string>();

  async insert(task: TaskRecord): Promise<TaskInsertResult> {
    if (task.idempotencyKey !== undefined) {
      const existingId = this.byIdempotencyKey.get(task.idempotencyKey);
      if (existingId !== undefined) return { task: copy(this.tasks.get(existingId)!), created: false };
    }
    if (this.tasks.has(task.id)) throw new Error(`task ${task.id} already exists`);
    this.tasks.set(task.id, copy(task));
    if (task.idempotencyKey !== undefined) this.byIdempotencyKey.set(task.idempotencyKey, task.id);
    return { task: copy(task), created: true };
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const task = this.tasks.get(id);
    return task && copy(task);
  }

  async findByIdempotencyKey(key: string): Promise<TaskRecord | undefined> {
    const id = this.byIdempotencyKey.get(key);
    return id === undefined ? undefined : this.get(id);
  }

  async update(id: string, patch: TaskPatch, expectedStates?: readonly TaskState[]): Promise<TaskRecord | undefined> {
    const task = this.tasks.get(id);
    if (!task || (expectedStates && !expectedStates.includes(task.state))) return undefined;
    const updated = applyTaskPatch(task, patch, new Date());
    this.tasks.set(id, updated);
    return copy(updated);
  }

  async list(query: TaskListQuery): Promise<TaskPage> {
    const matching = [...this.tasks.values()]
      .filter((task) => !query.states || query.states.includes(task.state))
      .filter((task) => !query.service || task.service === query.service)
      .filter((task) => !query.webhookState || task.webhook?.state === query.webhookState)
      .filter((task) => query.cursor === undefined || task.id < query.cursor)
      .sort((left, right) => (left.id < right.id ? 1 : -1));
    const page = matching.slice(0, query.limit).map(copy);
    return { tasks: page, nextCursor: matching.length > query.limit ? page[page.length - 1].id : undefined };
  }

  async deleteFinishedBefore(before: string, limit: number): Promise<TaskRecord[]> {
    const finishedAt = (task: TaskRecord) => task.finishedAt ?? task.updatedAt;
    const expired = [...this.tasks.values()]
      .filter((task) => isTerminal(task.state) && task.webhook?.state !== 'pending' && finishedAt(task) < before)
      .sort((left, right) => (finishedAt(left) < finishedAt(right) ? -1 : finishedAt(left) > finishedAt(right) ? 1 : 0))
      .slice(0, limit);
    for (const task of expired) {
      this.tasks.delete(task.id);
      if (task.idempotencyKey !== undefined) this.byIdempotencyKey.delete(task.idempotencyKey);
    }
    return expired.map(copy);
  }

  /** Scans every task: fine for the few tasks a test or a one-shot CLI run holds. */
  async findReferencedFileIds(fileIds: readonly string[]): Promise<Set<string>> {
    const wanted = new Set(fileIds);
    const referenced = new Set<string>();
    for (const task of this.tasks.values()) {
      for (const id of fileIdsOfTask(task)) if (wanted.has(id)) referenced.add(id);
    }
    return referenced;
  }

  async close(): Promise<void> {}
}
