import { GatewayError } from '../errors/gateway-error.ts';
import type { Logger } from '../logging/logger.ts';
import { retryWithBackoff, type BackoffOptions } from '../providers/shared/backoff.ts';
import type { JsonValue, ProviderModel } from '../providers/spec/provider-model.ts';

export interface UpstreamCancelOptions {
  /** Calls at most, the first included. */
  attempts: number;
  backoff: BackoffOptions;
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
  /** Aborted when the scheduler stops: a retry still waiting is dropped rather than holding up the exit. */
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Asks the provider to drop an operation of a task that was canceled, ran out of time, or whose handle could not be
 * saved. An operation left alone keeps running and is billed (a DashScope task still PENDING, say), so a transient
 * failure — the error says `retryable`: a refused or reset connection, a timeout, 429, 5xx — is tried again after a
 * short backoff, or after the provider's `Retry-After` when that is longer. A definite answer (DashScope's
 * UnsupportedOperation: the task already runs or ended) is final. Each failed call is logged, and a give-up once;
 * never with the error itself, only its code, so nothing the provider echoed reaches the log. Never rejects.
 */
export async function cancelUpstreamOperation(
  cancel: NonNullable<ProviderModel['cancel']>,
  operation: JsonValue,
  about: { taskId: string; provider: string },
  options: UpstreamCancelOptions,
): Promise<void> {
  let calls = 0;
  let lastError: unknown;
  try {
    await retryWithBackoff(async () => {
      calls += 1;
      try {
        await cancel(operation);
      } catch (error) {
        lastError = error;
        throw error;
      }
    }, {
      attempts: options.attempts,
      shouldRetry: isTransient,
      sleep: options.sleep,
      signal: options.signal,
      backoff: options.backoff,
      onRetry: (error, attempt, delayMilliseconds) => options.logger.warn('provider cancel failed; retrying', {
        ...about, attempt: attempt + 1, delayMilliseconds, code: codeOf(error),
      }),
    });
    options.logger.info('asked the provider to cancel', { ...about, attempts: calls });
  } catch {
    options.logger.warn('provider cancel failed', {
      ...about, attempts: calls, code: codeOf(lastError), ...(options.signal.aborted ? { stopped: true } : {}),
    });
  }
}

function isTransient(error: unknown): boolean {
  return GatewayError.isInstance(error) && error.retryable;
}

function codeOf(error: unknown): string | undefined {
  return GatewayError.isInstance(error) ? error.code : undefined;
}
