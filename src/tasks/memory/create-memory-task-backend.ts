import type { TaskBackend } from '../task-backend.ts';
import { MemoryTaskQueue } from './memory-task-queue.ts';
import { MemoryTaskStore } from './memory-task-store.ts';

/** A store and queue in memory (tests, the one-shot CLI). */
export function createMemoryTaskBackend(): TaskBackend {
  return { store: new MemoryTaskStore(), queue: new MemoryTaskQueue(), exclusive: true, close: async () => {} };
}
