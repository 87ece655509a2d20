import { GatewayError } from '../../errors/gateway-error.ts';
import { upstreamFailureOf } from './upstream-failure.ts';

/** Exponential backoff bounds, in ms. */
export interface BackoffOptions {
  /** Delay scale of the first retry (default 500). */
  baseMs?: number;
  /** Upper bound of any single delay (default 30 000). */
  maxMs?: number;
  /** Source of randomness in [0, 1); injectable so tests are deterministic. */
  random?(): number;
}

/**
 * Delay before retry number `attempt` (0 = first retry): "equal jitter", half of `min(maxMs, baseMs·2^attempt)`
 * fixed plus a random half, so many clients throttled at once do not come back in lockstep yet never retry at once.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const baseMs = options.baseMs ?? 500;
  const maxMs = options.maxMs ?? 30_000;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  const random = options.random ?? Math.random;
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface RetryOptions {
  /** Total tries including the first (≥ 1). */
  attempts: number;
  /** Whether this failure may be retried; e.g. `canResubmitSafely` for billable submits. */
  shouldRetry(error: unknown): boolean;
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
  signal?: AbortSignal;
  backoff?: BackoffOptions;
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
}

/**
 * Runs `operation` until it succeeds, fails with an error `shouldRetry` refuses, or `attempts` are used up.
 * Waits `backoffDelay` between tries, or the provider's `Retry-After` when that is longer. When throttling
 * outlasts the attempts, the final `upstream_rate_limited` error says how many retries were made.
 */
export async function retryWithBackoff<Result>(operation: (attempt: number) => Promise<Result>, options: RetryOptions): Promise<Result> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      const lastAttempt = attempt + 1 >= options.attempts;
      if (options.signal?.aborted || lastAttempt || !options.shouldRetry(error)) throw withAttempts(error, attempt);
      const retryAfterMs = upstreamFailureOf(error)?.details.retryAfterMs ?? 0;
      const delayMs = Math.max(backoffDelay(attempt, options.backoff), retryAfterMs);
      options.onRetry?.(error, attempt, delayMs);
      await options.sleep(delayMs, options.signal);
    }
  }
}

function withAttempts(error: unknown, retries: number): unknown {
  if (!GatewayError.isInstance(error) || error.code !== 'upstream_rate_limited' || retries === 0) return error;
  return new GatewayError(error.code, { ...error.parameters, attempts: retries }, { cause: error.cause, retryable: error.retryable, extra: { ...error.extra } });
}
