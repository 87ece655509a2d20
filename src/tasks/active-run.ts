import type { TaskRunPhase } from './task-record.ts';

/** Why a runner was told to stop before its task finished on its own. */
export type StopReason = 'cancel' | 'deadline' | 'shutdown' | 'lease-lost';

/**
 * The in-memory side of one task being worked on by this scheduler: its abort controller, why it was stopped, and
 * the progress last reported (so unchanged percentages are not re-announced).
 */
export class ActiveRun {
  private readonly controller = new AbortController();
  stopReason?: StopReason;
  phase: TaskRunPhase = 'starting';
  progress = -1;
  lastProgressWrite = 0;
  /** Settles when the runner is done with the task (used by graceful shutdown). */
  done: Promise<void>;
  private markDone!: () => void;

  constructor(readonly taskId: string, readonly providerId: string, readonly local: boolean) {
    this.done = new Promise((resolve) => (this.markDone = resolve));
  }

  /** Aborted on every stop reason: poll sleeps and local engine work end at once. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The first reason wins; later calls are ignored (a cancel after a deadline stays a deadline). */
  stop(reason: StopReason): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.controller.abort(new Error(`task ${this.taskId} stopped: ${reason}`));
  }

  finish(): void {
    this.markDone();
  }
}
