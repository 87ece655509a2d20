import { GatewayError } from '../../errors/gateway-error.ts';
import { upstreamFailureOf } from './upstream-failure.ts';

/**
 * Whether a failed billable submit may be sent again: only when the provider cannot have accepted it — the
 * connection was refused, or it answered 429 (throttled before any task was created). A timeout, reset or 5xx may
 * hide a created and billed task, so those are never blind-retried (AOG defect #13).
 */
export function canResubmitSafely(error: unknown): boolean {
  const failure = upstreamFailureOf(error);
  if (failure === undefined) return false;
  return failure.kind === 'connection-refused' || failure.kind === 'never-completed' || (failure.kind === 'http' && failure.details.httpStatus === 429);
}

/** Whether a read-only call (a poll, a download) may be retried: the catalogue's `retryable` decides. */
export function canRetryReadOnly(error: unknown): boolean {
  return GatewayError.isInstance(error) && error.retryable;
}
