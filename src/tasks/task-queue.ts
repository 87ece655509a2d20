import type { QueueEntry } from './task-record.ts';

export interface ClaimOptions {
  /** Who takes the entry (one id per scheduler instance). */
  owner: string;
  /** Epoch ms. */
  now: number;
  leaseMilliseconds: number;
  /** Providers whose concurrency limit is reached: their entries are skipped. */
  excludeProviders: readonly string[];
}

export interface StalledOptions {
  now: number;
  /**
   * Also release leases held by any other owner, expired or not. Only safe when this instance is known to be the
   * only one (the SQLite backend, which one server owns); a shared backend relies on lease expiry alone.
   */
  releaseForeignLeases?: { owner: string };
}

/**
 * The work queue: which tasks wait to run, in what order, and who holds which. Entries are leased, not popped: a
 * runner renews its lease while it works and removes the entry when the task ends, so a crashed runner's entries
 * come back through `requeueStalled`. Maps onto BullMQ (wait/delayed lists, lock + stalled checker) or a
 * `SELECT … FOR UPDATE SKIP LOCKED` table.
 */
export interface TaskQueue {
  /** Adds an entry unless one exists for the task (idempotent, so recovery can call it for every unfinished task). */
  enqueue(entry: Omit<QueueEntry, 'lease'>): Promise<void>;
  /** Leases the oldest ready (available, unleased) entry of a provider not in `excludeProviders`. */
  claim(options: ClaimOptions): Promise<QueueEntry | undefined>;
  /** Extends a lease; false when `owner` no longer holds it (another runner took over: stop without writing). */
  renew(taskId: string, owner: string, leaseMilliseconds: number, now: number): Promise<boolean>;
  /** Gives a held entry back, not to be handed out before `availableAt` (retry backoff). */
  release(taskId: string, owner: string, availableAt: number): Promise<boolean>;
  /** Drops the entry (task ended or canceled while queued). */
  remove(taskId: string): Promise<void>;
  /** Releases entries whose lease expired; returns their task ids. */
  requeueStalled(options: StalledOptions): Promise<string[]>;
  /**
   * Earliest `availableAt` later than `after` among unleased entries of providers not excluded: when the next
   * delayed retry becomes due (entries already due are claimed, or wait for their provider to free up).
   */
  nextAvailableAt(after: number, excludeProviders: readonly string[]): Promise<number | undefined>;
  get(taskId: string): Promise<QueueEntry | undefined>;
  /** Number of entries, leased or not. */
  size(): Promise<number>;
}
