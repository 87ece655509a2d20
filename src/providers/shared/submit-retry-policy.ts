import { GatewayError } from '../../errors/gateway-error.ts';
import { upstreamFailureOf } from './upstream-failure.ts';

/**
 * Error codes of a provider's own error answer that say it made nothing: it throttled the call, or failed inside
 * before producing a result. A retryable content rejection is not among them: Tencent's GenerateImageFailed means
 * the image was generated and then failed review, so that call may have been billed.
 */
const answeredWithoutMakingAnything: ReadonlySet<string> = new Set(['upstream_rate_limited', 'upstream_unavailable']);

/**
 * Whether a failed billable submit may be sent again: only when the provider cannot have accepted it — the
 * connection was refused, the request was never completed, it answered 429 (throttled before any task was created),
 * or it answered the call itself with a retryable error of its own saying it made nothing (a provider code in an
 * answer below 500, throttling or an internal error: the provider read the request and said it failed; Tencent
 * reports every failure inside a 200 answer, and its spec §5 says "try again" for internal errors). A timeout, reset
 * or 5xx may hide a created and billed task, so those are never blind-retried (AOG defect #13).
 */
export function canResubmitSafely(error: unknown): boolean {
  const failure = upstreamFailureOf(error);
  if (failure === undefined) return false;
  if (failure.kind === 'connection-refused' || failure.kind === 'never-completed') return true;
  if (failure.kind !== 'http') return false;
  const status = failure.details.httpStatus ?? 0;
  const answeredWithRetryableError = failure.details.providerCode !== undefined && status < 500 && GatewayError.isInstance(error) && error.retryable
    && answeredWithoutMakingAnything.has(error.code);
  return status === 429 || answeredWithRetryableError;
}

/** Whether a read-only call (a poll, a download) may be retried: the catalogue's `retryable` decides. */
export function canRetryReadOnly(error: unknown): boolean {
  return GatewayError.isInstance(error) && error.retryable;
}
