import { errorCatalogue, isErrorCode } from '../errors/catalogue.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { JsonValue } from '../providers/spec/provider-model.ts';
import type { Warning } from '../providers/spec/warning.ts';
import type { RouteTarget } from '../routing/fallback-chain.ts';
import type { JobSpec } from '../services/job-spec.ts';
import type { TaskPatch, TaskRecord } from './task-record.ts';

/*
 * The fallback chain of a task, as the scheduler walks it: position 0 is the provider routing chose, position i
 * is `spec.fallbacks[i - 1]`. The position is `failedProviders.length`, so it is persisted with the switch itself.
 */

/** The provider's operation handle when it holds one (`null` means a fallback cleared it). */
export function heldOperation(task: TaskRecord): JsonValue | undefined {
  return task.operation === null ? undefined : task.operation;
}

/** The provider after the current one, if the chain has one. */
export function nextFallback(task: TaskRecord): RouteTarget | undefined {
  return task.spec.fallbacks?.[task.failedProviders?.length ?? 0];
}

/** Errors that say the provider itself cannot be used, whatever the request: no reason to keep a task from the next one. */
const providerOutOfUseCodes: ReadonlySet<string> = new Set(['upstream_endpoint_retired', 'provider_not_configured']);

/**
 * Whether a failure moves the task on to the next provider (after same-provider retries, if any, were used up).
 *
 * - Before the provider holds an operation (its `start` failed): when the error is retryable by nature — the
 *   catalogue says so — even if the adapter marked this instance not retryable. Adapters do that for a timeout,
 *   reset or 5xx on a billable submit so that nothing resubmits it *to the same provider*; another provider cannot
 *   duplicate that submission. (It may still bill an orphan task upstream: the client accepted that by asking for
 *   fallbacks.)
 * - Once it holds an operation: only when the provider reported its task failed with a retryable error. Poll errors
 *   that could hide a task still running upstream never get here retryable (`pollOperation` retries those until
 *   the deadline), so a running upstream task is never doubled.
 * - Before it holds an operation, also when the provider is out of use: it answered that its endpoint is retired
 *   (so it created nothing), or it was taken out of use while the task waited in the queue. Another provider is
 *   not affected, and a request sent a moment later would be routed past it.
 *
 * Bad input, rejected credentials, refused content and quota errors are not retryable: they never fall back.
 */
export function canFallBack(error: unknown, providerHeldOperation: boolean): error is GatewayError {
  if (!GatewayError.isInstance(error)) return false;
  if (providerHeldOperation) return error.retryable;
  return error.retryable || (isErrorCode(error.code) && errorCatalogue[error.code].retryable) || providerOutOfUseCodes.has(error.code);
}

/**
 * The update that moves a task to `next`: back to `queued` on the new provider and model, with the old handle
 * cleared, the attempt count restarted (each provider gets its own retries) and the failure recorded. Written
 * before anything is sent to `next`, so a restart resumes there and never re-submits to the provider that failed.
 */
export function fallbackPatch(task: TaskRecord, error: GatewayError, next: RouteTarget, failedAt: string): TaskPatch {
  return {
    state: 'queued',
    providerId: next.providerId,
    modelId: next.modelId,
    operation: null,
    attempts: 0,
    progress: 0,
    // Warnings of the failed provider's start described a call whose result will never be used.
    warnings: [],
    lastError: error.toJSON(),
    failedProviders: [...(task.failedProviders ?? []), { providerId: task.providerId, modelId: task.modelId, attempts: task.attempts, error: error.toJSON(), failedAt }],
  };
}

/**
 * The job as the current provider receives it: its model, and provider options (those stored as files too) only for
 * the first provider.
 */
export function specForCurrentProvider(task: TaskRecord): JobSpec {
  if ((task.failedProviders?.length ?? 0) === 0) return task.spec;
  const { providerOptionFiles: _firstProviderOnly, ...spec } = task.spec;
  return { ...spec, providerId: task.providerId, modelId: task.modelId, providerOptions: {} };
}

/**
 * The idempotency key for the current provider: the task's own for the first, a derived one for each fallback
 * (one provider may appear twice in a chain with different models, and must not de-duplicate the second call
 * into the first, failed one).
 */
export function submissionKeyFor(task: TaskRecord): string {
  const position = task.failedProviders?.length ?? 0;
  return position === 0 ? task.submissionKey : `${task.submissionKey}-fallback-${position}`;
}

/** What a result served by a fallback says about it: who failed with what, who served it, what was left out. */
export function fallbackWarnings(task: TaskRecord): Warning[] {
  const failures = task.failedProviders ?? [];
  if (failures.length === 0) return [];
  const failed = failures.map((failure) => `${failure.providerId} (${failure.modelId}) failed with ${failure.error.code}: ${failure.error.message}`);
  const warnings: Warning[] = [{
    type: 'substituted',
    feature: 'provider',
    details: `${failed.join('; ')}; ${task.providerId} (${task.modelId}) served the request instead`,
  }];
  const hadOptions = Object.keys(task.spec.providerOptions).length > 0 || Object.keys(task.spec.providerOptionFiles ?? {}).length > 0;
  if (hadOptions) {
    warnings.push({
      type: 'unsupported',
      feature: 'provider_options',
      details: `provider options were meant for ${failures[0].providerId} and were not sent to ${task.providerId}`,
    });
  }
  return warnings;
}
