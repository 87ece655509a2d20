const marker = Symbol.for('atelier.upstream-failure');

/** How a call to a provider went wrong, as far as retry decisions care. */
export type UpstreamFailureKind =
  /** Nothing listened (ECONNREFUSED): the provider cannot have seen the request. */
  | 'connection-refused'
  /**
   * The call failed (timed out, say) while Atelier still held back the body's last bytes (`holdLastBytesUntil`):
   * the provider cannot have acted on an incomplete request.
   */
  | 'never-completed'
  /** Reset, DNS failure, TLS error…: the request may or may not have arrived. */
  | 'network'
  /** No answer within the timeout: the request may have been accepted. */
  | 'timeout'
  /** The provider answered with an error status (see `httpStatus`). */
  | 'http'
  /** The provider answered 2xx with a body that cannot be read. */
  | 'malformed';

/**
 * The machine-readable detail behind an upstream `GatewayError`, attached as its `cause`. Retry policies read it
 * (connection refused vs. timeout, `Retry-After`); it is never rendered to callers, and it never holds headers,
 * bodies or credentials.
 */
export class UpstreamFailure extends Error {
  readonly [marker] = true;

  constructor(
    readonly kind: UpstreamFailureKind,
    readonly details: {
      httpStatus?: number;
      retryAfterMs?: number;
      providerCode?: string;
      /** How many times the provider says a request that failed this way is worth sending again (e.g. "retry once"). */
      resubmitAtMost?: number;
    } = {},
  ) {
    super(`upstream ${kind}${details.httpStatus ? ` ${details.httpStatus}` : ''}`);
    this.name = 'UpstreamFailure';
  }

  static isInstance(value: unknown): value is UpstreamFailure {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/** The `UpstreamFailure` behind an error, when it has one. */
export function upstreamFailureOf(error: unknown): UpstreamFailure | undefined {
  if (UpstreamFailure.isInstance(error)) return error;
  if (error instanceof Error && UpstreamFailure.isInstance(error.cause)) return error.cause;
  return undefined;
}
