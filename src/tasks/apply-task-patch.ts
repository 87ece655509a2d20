import type { TaskPatch, TaskRecord } from './task-record.ts';

/**
 * Merges a patch into a record the way every backend must: fields set to `undefined` are skipped, `updatedAt` is
 * set to `now`. Shared so the memory and SQLite stores cannot disagree.
 */
export function applyTaskPatch(task: TaskRecord, patch: TaskPatch, now: Date): TaskRecord {
  const updated: TaskRecord = { ...task };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (updated as unknown as Record<string, unknown>)[key] = value;
  }
  updated.updatedAt = now.toISOString();
  return updated;
}
