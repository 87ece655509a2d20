import { GatewayError } from '../errors/gateway-error.ts';
import { backoffDelay, type BackoffOptions } from '../providers/shared/backoff.ts';
import { canRetryReadOnly } from '../providers/shared/submit-retry-policy.ts';
import type { CallContext, GenerationResult, JsonValue, ProviderModel } from '../providers/spec/provider-model.ts';

export interface PollOptions {
  model: ProviderModel;
  operation: JsonValue;
  context: CallContext;
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
  /** Used when the model suggests no interval. */
  defaultIntervalMilliseconds: number;
  /** Caps the model's suggestion (fake providers in tests and development). */
  maxIntervalMilliseconds?: number;
  /** Delay after a failed poll; polls are read-only, so every retryable failure is retried until the signal ends it. */
  errorBackoff: BackoffOptions;
  onRetry?(error: unknown, consecutiveFailures: number): void;
}

/**
 * Polls an operation at the provider's cadence until it completes or fails. Unlike AOG there is no attempt cap:
 * the task's deadline (through `context.signal`) is what ends a poll that takes too long (aog-compat §13 #1).
 *
 * @throws the provider's `GatewayError` when the operation failed, `task_not_pollable` when the model cannot poll,
 *   or the signal's reason when it was aborted
 */
export async function pollOperation(options: PollOptions): Promise<GenerationResult> {
  const { model, context } = options;
  if (!model.status) throw new GatewayError('task_not_pollable', { provider: model.providerId, model: model.modelId });
  let failures = 0;
  for (let attempt = 0; ; attempt++) {
    const suggested = model.pollIntervalMs?.(attempt) ?? options.defaultIntervalMilliseconds;
    await options.sleep(Math.min(suggested, options.maxIntervalMilliseconds ?? Infinity), context.signal);
    let status;
    try {
      status = await model.status(options.operation, context);
    } catch (error) {
      if (context.signal.aborted || !canRetryReadOnly(error)) throw error;
      failures++;
      options.onRetry?.(error, failures);
      await options.sleep(backoffDelay(failures - 1, options.errorBackoff), context.signal);
      continue;
    }
    failures = 0;
    if (status.status === 'completed') return status.result;
    if (status.status === 'failed') throw status.error;
    if (status.progress !== undefined) context.onProgress(status.progress);
  }
}
