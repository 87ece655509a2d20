import { GatewayError } from '../../errors/gateway-error.ts';
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
  return new GatewayError(error.code, error.parameters, { cause: error.cause, retryable: false, extra: { ...error.extra } });
}
