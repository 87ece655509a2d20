import type { TaskRecord } from './task-record.ts';

/**
 * The file-store ids a task references: its input image and mask, the images its provider options carried
 * (`spec.providerOptionFiles`, e.g. a style reference) and its outputs. The retention sweep deletes a stored file
 * only when no remaining task references it, so every backend indexes exactly these ids (the SQLite backend in its
 * `task_files` table). A field added to `TaskRecord` that holds a file id belongs here, and in a migration that
 * indexes it for existing rows (`providerOptionFiles` needed none: no row written before it had one).
 *
 * @returns distinct ids, inputs first
 */
export function fileIdsOfTask(task: TaskRecord): string[] {
  const optionFiles = Object.values(task.spec.providerOptionFiles ?? {}).map((file) => file.fileId);
  const outputs = task.outputs.map((output) => output.fileId);
  const ids = [task.spec.image.fileId, task.spec.mask?.fileId, ...optionFiles, ...outputs];
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
}
