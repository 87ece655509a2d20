import { GatewayError } from '../errors/gateway-error.ts';
import { backoffDelay, type BackoffOptions } from '../providers/shared/backoff.ts';
import { canResubmitSafely } from '../providers/shared/submit-retry-policy.ts';
import { upstreamFailureOf } from '../providers/shared/upstream-failure.ts';

export interface RetryContext {
  /** `start` calls made so far, the failed one included. */
  attempts: number;
  maxAttempts: number;
  /** The embedded engine (or another local provider): running again costs CPU, not money. */
  local: boolean;
  backoff: BackoffOptions;
}

export type RetryDecision = { retry: true; delayMilliseconds: number } | { retry: false };

/**
 * Whether a failed `start` is tried again, and after how long. Only errors the catalogue (or the adapter) marks
 * retryable qualify, and for a cloud provider only when the error proves the provider did not accept the request
 * (connection refused, 429): a timeout or 5xx may hide a created, billed task (aog-compat §13 #13), so those fail
 * instead. Delays grow exponentially with jitter (`backoffDelay`); when the provider said how long to wait
 * (`Retry-After` on a 429 or 503, at most 5 minutes), the task waits at least that long: coming back sooner only
 * earns another refusal and spends the account's budget. A provider that says how often a failure is worth another
 * try (Tencent's "retry once") caps the resubmissions below `maxAttempts`.
 */
export function decideRetry(error: unknown, context: RetryContext): RetryDecision {
  if (!GatewayError.isInstance(error) || !error.retryable) return { retry: false };
  if (context.attempts >= context.maxAttempts) return { retry: false };
  if (!context.local && !canResubmitSafely(error)) return { retry: false };
  const failure = upstreamFailureOf(error);
  const resubmissionsSoFar = context.attempts - 1;
  if (failure?.details.resubmitAtMost !== undefined && resubmissionsSoFar >= failure.details.resubmitAtMost) return { retry: false };
  const retryAfterMilliseconds = failure?.details.retryAfterMs ?? 0;
  return { retry: true, delayMilliseconds: Math.max(backoffDelay(context.attempts - 1, context.backoff), retryAfterMilliseconds) };
}
