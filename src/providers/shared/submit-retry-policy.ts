import { GatewayError } from '../../errors/gateway-error.ts';
import { upstreamFailureOf } from './upstream-failure.ts';

/**
 * Whether a failed billable submit may be sent again: only when the provider cannot have accepted it — the
 * connection was refused, the request was never completed, it answered 429 (throttled before any task was created),
 * or it answered the call itself with a retryable error of its own (a provider code in an answer below 500: the
 * provider read the request and said it failed; Tencent reports every failure inside a 200 answer, and its spec §5
 * says "try again" for internal errors). A timeout, reset or 5xx may hide a created and billed task, so those are
 * never blind-retried (AOG defect #13).
 */
export function canResubmitSafely(error: unknown): boolean {
  const failure = upstreamFailureOf(error);
  if (failure === undefined) return false;
  if (failure.kind === 'connection-refused' || failure.kind === 'never-completed') return true;
  if (failure.kind !== 'http') return false;
  const status = failure.details.httpStatus ?? 0;
  const answeredWithRetryableError = failure.details.providerCode !== undefined && status < 500 && GatewayError.isInstance(error) && error.retryable;
  return status === 429 || answeredWithRetryableError;
}

/** Whether a read-only call (a poll, a download) may be retried: the catalogue's `retryable` decides. */
export function canRetryReadOnly(error: unknown): boolean {
  return GatewayError.isInstance(error) && error.retryable;
}
