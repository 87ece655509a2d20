import type { TaskQueue } from './task-queue.ts';
import type { TaskStore } from './task-store.ts';

/**
 * A store and a queue that belong together (one SQLite file; or one PostgreSQL database and one Redis). The
 * scheduler receives one of these and never learns which backend it is.
 */
export interface TaskBackend {
  store: TaskStore;
  queue: TaskQueue;
  /**
   * True when exactly one Atelier process uses this backend (SQLite in the data directory): leases left by an
   * earlier process are then known to be dead at start-up and are released at once instead of after they expire.
   */
  exclusive: boolean;
  close(): Promise<void>;
}
