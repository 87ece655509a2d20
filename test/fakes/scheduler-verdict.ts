import { decideRetry } from '../../src/tasks/task-retry-policy.ts';

/**
 * Whether the task scheduler would send a failed cloud `start` again (its first attempt of 3): how adapter tests
 * check that an error after a billed call can never lead to a second, billed call.
 */
export function schedulerResubmits(error: unknown): boolean {
  return decideRetry(error, { attempts: 1, maxAttempts: 3, local: false, backoff: { baseMs: 1, random: () => 0 } }).retry;
}
