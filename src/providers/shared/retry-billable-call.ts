import { GatewayError } from '../../errors/gateway-error.ts';
import { markAmbiguousFailure } from './ambiguous-failure.ts';
import { retryWithBackoff, type RetryOptions } from './backoff.ts';
import { upstreamFailureOf } from './upstream-failure.ts';

/**
 * Whether a synchronous provider call that failed may be sent again at once: only when the provider cannot have
 * made (and billed) an image — nothing listened (connection refused), the request was never completed, or it throttled the call
 * (`upstream_rate_limited`, however the provider says so: HTTP 429 or an error code in a 200 answer). A quota 429
 * maps to `upstream_quota_exceeded` and is not retried.
 */
export function isThrottledOrRefused(error: unknown): boolean {
  const failure = upstreamFailureOf(error);
  return failure?.kind === 'connection-refused' || failure?.kind === 'never-completed' || (GatewayError.isInstance(error) && error.code === 'upstream_rate_limited');
}

/**
 * Sends one billable call of a synchronous provider (StepFun, Tencent, OpenAI), retrying with backoff while
 * `isThrottledOrRefused`. Every failure first goes through `markAmbiguousFailure`: one that may hide a made image
 * (timeout, reset, 5xx, unreadable answer) becomes non-retryable, so neither this loop nor the scheduler resends it.
 *
 * @param send Makes the call; called again for each retry.
 * @param options Attempts, backoff bounds, sleep, abort signal and an optional `onRetry` hook (see `RetryOptions`).
 * @example const answer = await retryBillableCall(() => requestJson(request), { attempts: 4, sleep, signal, backoff: { baseMs: 1_000, maxMs: 30_000 } });
 */
export function retryBillableCall<Result>(send: () => Promise<Result>, options: Omit<RetryOptions, 'shouldRetry'>): Promise<Result> {
  return retryWithBackoff(() => send().catch((error: unknown) => {
    throw markAmbiguousFailure(error);
  }), { ...options, shouldRetry: isThrottledOrRefused });
}
