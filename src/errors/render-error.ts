import { randomUUID } from 'node:crypto';
import { GatewayError } from './gateway-error.ts';
import type { Logger } from '../logging/logger.ts';

/** The body every error response has, on AOG routes and native routes alike. */
export interface ErrorBody {
  /** AOG's business code (clients only look at `message`, but keep AOG's numbers where AOG has the condition). */
  business_code: number;
  message: string;
  /** Stable Atelier code; see docs/errors.md. */
  code: string;
  retryable: boolean;
  [extra: string]: unknown;
}

/**
 * The one place errors become responses. Known errors keep their status and message; anything else is logged
 * with a reference and answered with a generic 500 so internals never reach the caller.
 */
export function renderError(error: unknown, logger: Logger): { status: number; body: ErrorBody } {
  const known = GatewayError.isInstance(error) ? error : unexpected(error, logger);
  return {
    status: known.status,
    body: {
      business_code: known.businessCode,
      message: known.message,
      code: known.code,
      retryable: known.retryable,
      ...known.extra,
    },
  };
}

function unexpected(error: unknown, logger: Logger): GatewayError {
  const reference = randomUUID().slice(0, 8);
  logger.error('unexpected error', { reference, error });
  return new GatewayError('internal_error', { reference });
}
