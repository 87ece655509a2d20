import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from '../logging/logger.ts';
import type { FileStore } from '../storage/file-store.ts';
import type { TaskStore } from './task-store.ts';

export interface RetentionSweeperOptions {
  store: TaskStore;
  fileStore: FileStore;
  logger: Logger;
  /** Finished tasks, and files no remaining task references, older than this are deleted (ms, ≥ 1 h in practice). */
  retentionMilliseconds: number;
  /** Time between sweeps after the start-up one; default 1 hour. */
  intervalMilliseconds?: number;
  /** Tasks deleted, or file ids looked up, per step; default 200. The event loop gets a turn between steps. */
  batchSize?: number;
  /** Epoch ms; injected by tests. */
  now?: () => number;
}

/** What one sweep deleted. */
export interface SweepReport {
  deletedTasks: number;
  deletedFiles: number;
  /** Leftovers of interrupted writes and removals. */
  deletedTemporaries: number;
  freedBytes: number;
}

/** Temporary files older than this are leftovers of a process that died; no write takes this long. */
export const temporaryFileMaxAgeMilliseconds = 24 * 3_600_000;

/**
 * Keeps the data directory bounded: deletes finished tasks older than the retention, then stored files that no
 * remaining task references and that were not stored (or stored again) within the retention, then stale temporary
 * files. Runs once at start-up and then every `intervalMilliseconds`, in small batches; queued and running tasks and
 * their files are never touched.
 *
 * Why a file that a task is referencing right now is safe — the race between "store the file" and "write the task
 * row that references it" (prepare stores an input before the task is inserted; a runner stores outputs before the
 * task is marked succeeded):
 * 1. Files are listed first, and only those modified before the cutoff (now − retention) are candidates.
 * 2. References are read after that listing, so every row written before step 2 protects its files.
 * 3. A row written after step 2 references a file that was stored (`FileStore.put`) just before it. `put` refreshes
 *    the modification time of bytes that already exist, and `FileStore.remove` re-checks that time at the moment of
 *    removal (ordered with `put` for the same id, and by a rename against other processes), so such a file is kept
 *    unless it was stored more than a whole retention period (at least an hour, enforced by the settings) before its
 *    row was written — which no code path does: the gap is the time to write one row, or to store a task's other
 *    outputs.
 * A GET of a deleted task answers `task_not_found`, of a deleted file `file_not_found`, as for ids never seen.
 */
export class RetentionSweeper {
  private readonly now: () => number;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepReport> | undefined;
  private stopped = false;

  constructor(private readonly options: RetentionSweeperOptions) {
    this.now = options.now ?? Date.now;
    this.batchSize = options.batchSize ?? 200;
  }

  /** Sweeps now (in the background) and then periodically; the timer never keeps the process alive. */
  start(): void {
    if (this.timer) return; // started already: a second timer would outlive `stop`
    this.stopped = false;
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMilliseconds ?? 3_600_000);
    this.timer.unref();
  }

  /** Stops the timer; a sweep in progress ends after its current batch. Resolves once it has. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * One sweep; a call while one is running joins it. Failures are logged, never thrown: a sweep that fails half-way
   * is simply continued by the next one.
   */
  sweep(): Promise<SweepReport> {
    this.running ??= this.sweepOnce()
      .catch((error: unknown) => {
        this.options.logger.warn('retention sweep failed', { error });
        return emptyReport();
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async sweepOnce(): Promise<SweepReport> {
    const { store, fileStore, logger, retentionMilliseconds } = this.options;
    const started = this.now();
    const startedClock = performance.now();
    const cutoff = started - retentionMilliseconds;
    const report = emptyReport();

    for (;;) {
      if (this.stopped) return report;
      const deleted = await store.deleteFinishedBefore(new Date(cutoff).toISOString(), this.batchSize);
      report.deletedTasks += deleted.length;
      if (deleted.length < this.batchSize) break;
      await yieldToEventLoop();
    }

    for await (const shard of fileStore.scan()) {
      if (this.stopped) return report;
      const candidates = shard.files.filter((file) => file.modifiedAt < cutoff);
      for (let start = 0; start < candidates.length; start += this.batchSize) {
        const batch = candidates.slice(start, start + this.batchSize);
        const referenced = await store.findReferencedFileIds(batch.map((file) => file.id));
        for (const file of batch) {
          if (referenced.has(file.id)) continue;
          const freed = await fileStore.remove(file.id, { modifiedBefore: cutoff });
          if (freed === undefined) continue;
          report.deletedFiles++;
          report.freedBytes += freed;
        }
        await yieldToEventLoop();
      }
      for (const temporary of shard.temporaries) {
        const freed = await fileStore.removeTemporary(temporary.name, { modifiedBefore: started - temporaryFileMaxAgeMilliseconds });
        if (freed === undefined) continue;
        report.deletedTemporaries++;
        report.freedBytes += freed;
      }
    }

    const fields = { ...report, retentionHours: retentionMilliseconds / 3_600_000, milliseconds: Math.round(performance.now() - startedClock) };
    if (report.deletedTasks + report.deletedFiles + report.deletedTemporaries > 0) logger.info('retention sweep', fields);
    else logger.debug('retention sweep', fields);
    return report;
  }
}

function emptyReport(): SweepReport {
  return { deletedTasks: 0, deletedFiles: 0, deletedTemporaries: 0, freedBytes: 0 };
}
