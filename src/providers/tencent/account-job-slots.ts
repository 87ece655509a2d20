import { createHash } from 'node:crypto';

/**
 * A counting semaphore: at most `limit` holders at once, served first come, first served. Tencent counts jobs per
 * account (3 by default, more answer `RequestLimitExceeded.JobNumExceed`), and one Atelier job with `n` = 4 makes 4
 * calls, so the limit has to hold per account across jobs, not per job.
 */
export class JobSlots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be an integer ≥ 1, received ${limit}`);
  }

  /** Runs `task` once a slot is free; the slot is released however the task ends. Rejects if aborted while waiting. */
  async run<Result>(task: () => Promise<Result>, signal?: AbortSignal): Promise<Result> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Holders right now (for tests and diagnostics). */
  get inUse(): number {
    return this.active;
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.active += 1;
        resolve();
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason);
      };
      this.waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    this.active -= 1;
    this.waiting.shift()?.();
  }
}

const slotsByAccount = new Map<string, JobSlots>();

/**
 * The one `JobSlots` for a Tencent account (endpoint + SecretId, hashed so no credential is kept as a map key).
 * The first caller's limit wins for the process lifetime, like the shared rate limiters.
 */
export function accountJobSlots(endpoint: string, secretId: string, limit: number): JobSlots {
  const key = createHash('sha256').update(`${endpoint}\n${secretId}`).digest('hex').slice(0, 24);
  let slots = slotsByAccount.get(key);
  if (slots === undefined) {
    slots = new JobSlots(limit);
    slotsByAccount.set(key, slots);
  }
  return slots;
}
