import { GatewayError } from '../../errors/gateway-error.ts';
import { canResubmitSafely } from './submit-retry-policy.ts';
import { upstreamFailureOf } from './upstream-failure.ts';

/**
 * A billable call that failed in a way that may hide a produced (and billed) image — no answer in time, a reset,
 * a 5xx, an unreadable 2xx — must not be sent again by anyone, so its error becomes non-retryable (AOG defect #13;
 * the same rule as DashScope's submit). Refused connections, throttling and explicit provider failures keep their
 * verdict: the provider cannot have made anything.
 */
export function markAmbiguousFailure(error: unknown): unknown {
  if (!GatewayError.isInstance(error) || !error.retryable) return error;
  const failure = upstreamFailureOf(error);
  if (failure === undefined) return error;
  const ambiguous = failure.kind === 'timeout' || failure.kind === 'network' || failure.kind === 'malformed'
    || (failure.kind === 'http' && (failure.details.httpStatus ?? 0) >= 500);
  if (!ambiguous) return error;
  return notRetryable(error);
}

/** The same error (code, parameters, cause, extras) marked not retryable: nobody sends its call again. */
export function notRetryable(error: GatewayError): GatewayError {
  return new GatewayError(error.code, error.parameters, { cause: error.cause, retryable: false, extra: { ...error.extra } });
}

/**
 * Runs what follows a call the provider answered with its (billed) result: downloading, decoding or re-encoding it.
 * A failure there may look safe to resend (a 429 or a refused connection from the result's host), but the call
 * itself succeeded, so its error becomes non-retryable and the call is never sent again.
 */
export async function afterBilledCall<Result>(work: () => Promise<Result>): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    throw GatewayError.isInstance(error) && error.retryable ? notRetryable(error) : error;
  }
}

/**
 * Of several calls' failures, the one a job reports: one that must not be resent, if any, so that a retry of the
 * job never resends a call that may have been billed; else the first.
 */
export function decisiveFailure(failures: readonly unknown[]): unknown {
  return failures.find((failure) => !GatewayError.isInstance(failure) || !failure.retryable || !canResubmitSafely(failure)) ?? failures[0];
}
