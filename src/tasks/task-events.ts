import { EventEmitter } from 'node:events';
import type { TaskRecord } from './task-record.ts';

/**
 * Everything the scheduler announces, named noun-action. The SSE stream (`GET /v1/tasks/{id}/events`) uses the
 * same names. Payloads carry the record as it was written, so listeners never read the store.
 */
export interface TaskEventMap {
  /** A new task was stored (queued). */
  'task-created': { task: TaskRecord };
  /** A runner started (or resumed polling) the task. */
  'task-start': { task: TaskRecord };
  /** 0–100, emitted when the whole-number percentage changes. */
  'task-progress': { taskId: string; progress: number };
  /** A retryable failure: the task is queued again, to run after `delayMilliseconds`. */
  'task-retry': { task: TaskRecord; delayMilliseconds: number };
  /** The task reached succeeded, failed or canceled. */
  'task-end': { task: TaskRecord };
}

export type TaskEventName = keyof TaskEventMap;

/** A typed, in-process event bus (a multi-process backend would bridge it over Redis pub/sub or LISTEN/NOTIFY). */
export class TaskEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every SSE client and every waiting sync request listens; there is no fixed small number of them.
    this.emitter.setMaxListeners(0);
  }

  emit<Name extends TaskEventName>(name: Name, payload: TaskEventMap[Name]): void {
    this.emitter.emit(name, payload);
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<Name extends TaskEventName>(name: Name, listener: (payload: TaskEventMap[Name]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  /** Subscribes to every event of one task; returns the function that unsubscribes. */
  onTask(taskId: string, listener: <Name extends TaskEventName>(name: Name, payload: TaskEventMap[Name]) => void): () => void {
    const names: TaskEventName[] = ['task-created', 'task-start', 'task-progress', 'task-retry', 'task-end'];
    const unsubscribers = names.map((name) =>
      this.on(name, (payload) => {
        const id = 'task' in payload ? payload.task.id : payload.taskId;
        if (id === taskId) listener(name, payload);
      }),
    );
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
  }
}
