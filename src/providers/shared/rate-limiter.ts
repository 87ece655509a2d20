import { createHash } from 'node:crypto';

/** How a caller waits for its slot; each caller passes its own (injected, so tests never wait for real). */
export type Sleep = (milliseconds: number, signal?: AbortSignal) => Promise<void>;

/** A slot reserved for later: when its caller may go, and the arrival time it replaced (to give it back). */
interface ReservedSlot {
  previousArrival: number;
  allowedAt: number;
  canceled: boolean;
}

/**
 * A token bucket (as GCRA: one "theoretical arrival time" instead of a refill timer): `ratePerSecond` calls per
 * second on average, bursts of up to `burst`. Callers are served in the order they call `acquire`, each reserving
 * the next free slot, so a burst of polls spreads out instead of stampeding the provider.
 */
export class RateLimiter {
  private theoreticalArrival = 0;
  private readonly intervalMs: number;
  /**
   * Slots still in the future, in the order they were reserved, with the arrival time each replaced. A caller that
   * gives up while it waits (its task canceled, shutdown) marks its slot; canceled slots at the end are given back,
   * so later callers do not wait for calls that were never made. One in the middle stays: giving it back would let
   * the next caller share a second with a caller still waiting for its own slot.
   */
  private readonly reserved: ReservedSlot[] = [];

  /**
   * @param ratePerSecond sustained calls per second, > 0
   * @param burst calls allowed back to back when the limiter was idle, ≥ 1
   * @param now current time in ms
   */
  constructor(readonly ratePerSecond: number, readonly burst: number, private readonly now: () => number) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`ratePerSecond must be a positive number, received ${ratePerSecond}`);
    if (!Number.isInteger(burst) || burst < 1) throw new RangeError(`burst must be an integer ≥ 1, received ${burst}`);
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Waits (with the caller's `sleep`) until the call may go out. Rejects with the signal's reason when aborted. */
  async acquire(sleep: Sleep, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    const slot = this.reserveSlot();
    if (slot.waitMs <= 0) return;
    try {
      await sleep(slot.waitMs, signal);
    } catch (error) {
      this.giveBack(slot.entry);
      throw error;
    }
  }

  /** Reserves a slot and returns how long to wait for it, in ms (0 = go now). */
  reserve(): number {
    return this.reserveSlot().waitMs;
  }

  private reserveSlot(): { waitMs: number; entry: ReservedSlot } {
    const now = this.now();
    while (this.reserved.length > 0 && this.reserved[0].allowedAt <= now) this.reserved.shift(); // their time came
    const previousArrival = this.theoreticalArrival;
    const arrival = Math.max(this.theoreticalArrival, now);
    const allowedAt = arrival - (this.burst - 1) * this.intervalMs;
    this.theoreticalArrival = arrival + this.intervalMs;
    const entry = { previousArrival, allowedAt, canceled: false };
    if (allowedAt > now) this.reserved.push(entry);
    return { waitMs: Math.max(0, Math.ceil(allowedAt - now)), entry };
  }

  /** Marks a slot unused; the canceled slots at the end of the line go back to the limiter. */
  private giveBack(entry: ReservedSlot): void {
    entry.canceled = true;
    while (this.reserved.length > 0 && this.reserved[this.reserved.length - 1].canceled) {
      this.theoreticalArrival = this.reserved.pop()!.previousArrival;
    }
  }
}

const sharedLimiters = new Map<string, RateLimiter>();

/**
 * The one limiter for a budget shared across model instances, e.g. DashScope's 20 task queries per second per
 * account. `scope` names the budget; `account` is hashed (a key is never kept as a map key or logged).
 * The first caller's rate and clock win for the process lifetime (in production every caller uses the same clock).
 */
export function sharedRateLimiter(scope: string, account: string, create: () => RateLimiter): RateLimiter {
  const key = `${scope}:${createHash('sha256').update(account).digest('hex').slice(0, 24)}`;
  let limiter = sharedLimiters.get(key);
  if (limiter === undefined) {
    limiter = create();
    sharedLimiters.set(key, limiter);
  }
  return limiter;
}
