import type { ClaimOptions, StalledOptions, TaskQueue } from '../task-queue.ts';
import type { QueueEntry } from '../task-record.ts';

/** A `TaskQueue` in memory, for unit tests and the in-process CLI. */
export class MemoryTaskQueue implements TaskQueue {
  /** Insertion order is the FIFO tie-break for equal `availableAt`. */
  private readonly entries = new Map<string, QueueEntry & { order: number }>();
  private nextOrder = 0;

  async enqueue(entry: Omit<QueueEntry, 'lease'>): Promise<void> {
    if (this.entries.has(entry.taskId)) return;
    this.entries.set(entry.taskId, { taskId: entry.taskId, providerId: entry.providerId, availableAt: entry.availableAt, order: this.nextOrder++ });
  }

  async claim(options: ClaimOptions): Promise<QueueEntry | undefined> {
    let best: (QueueEntry & { order: number }) | undefined;
    for (const entry of this.entries.values()) {
      if (entry.lease || entry.availableAt > options.now || options.excludeProviders.includes(entry.providerId)) continue;
      if (!best || entry.availableAt < best.availableAt || (entry.availableAt === best.availableAt && entry.order < best.order)) best = entry;
    }
    if (!best) return undefined;
    best.lease = { owner: options.owner, expiresAt: options.now + options.leaseMilliseconds };
    return strip(best);
  }

  async renew(taskId: string, owner: string, leaseMilliseconds: number, now: number): Promise<boolean> {
    const entry = this.entries.get(taskId);
    if (!entry?.lease || entry.lease.owner !== owner) return false;
    entry.lease = { owner, expiresAt: now + leaseMilliseconds };
    return true;
  }

  async release(taskId: string, owner: string, availableAt: number): Promise<boolean> {
    const entry = this.entries.get(taskId);
    if (!entry?.lease || entry.lease.owner !== owner) return false;
    entry.lease = undefined;
    entry.availableAt = availableAt;
    return true;
  }

  async remove(taskId: string): Promise<void> {
    this.entries.delete(taskId);
  }

  async requeueStalled(options: StalledOptions): Promise<string[]> {
    const released: string[] = [];
    for (const entry of this.entries.values()) {
      if (!entry.lease) continue;
      const foreign = options.releaseForeignLeases !== undefined && entry.lease.owner !== options.releaseForeignLeases.owner;
      if (entry.lease.expiresAt <= options.now || foreign) {
        entry.lease = undefined;
        released.push(entry.taskId);
      }
    }
    return released;
  }

  async nextAvailableAt(after: number, excludeProviders: readonly string[]): Promise<number | undefined> {
    let earliest: number | undefined;
    for (const entry of this.entries.values()) {
      if (entry.lease || entry.availableAt <= after || excludeProviders.includes(entry.providerId)) continue;
      if (earliest === undefined || entry.availableAt < earliest) earliest = entry.availableAt;
    }
    return earliest;
  }

  async get(taskId: string): Promise<QueueEntry | undefined> {
    const entry = this.entries.get(taskId);
    return entry && strip(entry);
  }

  async size(): Promise<number> {
    return this.entries.size;
  }
}

function strip(entry: QueueEntry & { order: number }): QueueEntry {
  return { taskId: entry.taskId, providerId: entry.providerId, availableAt: entry.availableAt, ...(entry.lease ? { lease: { ...entry.lease } } : {}) };
}
