import { errorCatalogue, isErrorCode } from '../errors/catalogue.ts';
import type { Usage } from '../providers/spec/provider-model.ts';
import type { Warning } from '../providers/spec/warning.ts';
import type { TaskRecord, TaskState } from './task-record.ts';

/** A task as clients see it (`/v1/tasks`, SSE, webhooks, `atelier tasks`): snake_case, URLs instead of file ids. */
export interface TaskResource {
  id: string;
  object: 'task';
  service: TaskRecord['service'];
  state: TaskState;
  provider: string;
  model: string;
  /** The model name the client sent, when it differs (an alias, or a cloud model served locally). */
  requested_model?: string;
  progress: number;
  attempts: number;
  created_at: string;
  started_at?: string;
  finished_at?: string;
  deadline_at: string;
  /** `seed` reproduces that output when sent back with `n` = 1 (present when the provider reports seeds). */
  outputs: Array<{ url: string; media_type: string; size: number; seed?: number }>;
  /** What the provider understood and applied, e.g. `["watercolor", "brighter"]` (the embedded engine). */
  applied?: string[];
  warnings: Warning[];
  /** Billable usage as the provider reported it: images made, video seconds. */
  usage?: { images?: number; video_seconds?: number };
  error?: { code: string; message: string; business_code: number; retryable: boolean; provider_code?: string };
  /** The last retryable failure while the task waits for a retry. */
  last_error?: { code: string; message: string };
  /** Providers of the fallback chain that failed before `provider` took over, oldest first. */
  failed_providers?: Array<{ provider: string; model: string; attempts: number; error: { code: string; message: string }; failed_at: string }>;
  webhook?: { url: string; state: string; attempts: number };
  links: { self: string; events: string; cancel: string };
}

/**
 * Presents a record. Internals (the operation handle, submission key, request hash, input file ids) stay out: they
 * are not the client's business, and the operation handle names the provider account's task.
 *
 * @param publicUrl base of returned URLs, e.g. `http://127.0.0.1:16688`
 */
export function toTaskResource(task: TaskRecord, publicUrl: string): TaskResource {
  const self = `${publicUrl}/v1/tasks/${task.id}`;
  const resource: TaskResource = {
    id: task.id,
    object: 'task',
    service: task.service,
    state: task.state,
    provider: task.providerId,
    model: task.modelId,
    progress: task.progress,
    attempts: task.attempts,
    created_at: task.createdAt,
    deadline_at: new Date(task.deadlineAt).toISOString(),
    outputs: task.outputs.map((output) => ({
      url: `${publicUrl}/v1/files/${output.fileId}`, media_type: output.mediaType, size: output.size,
      ...(output.seed !== undefined ? { seed: output.seed } : {}),
    })),
    ...(task.applied ? { applied: task.applied } : {}),
    warnings: task.warnings,
    links: { self, events: `${self}/events`, cancel: `${self}/cancel` },
  };
  if (task.spec.requestedModel !== undefined && task.spec.requestedModel !== task.modelId) resource.requested_model = task.spec.requestedModel;
  if (task.startedAt) resource.started_at = task.startedAt;
  if (task.finishedAt) resource.finished_at = task.finishedAt;
  if (task.usage) resource.usage = usageResource(task.usage);
  if (task.error) {
    const providerCode = task.error.parameters.providerCode;
    resource.error = {
      code: task.error.code,
      message: task.error.message,
      business_code: isErrorCode(task.error.code) ? errorCatalogue[task.error.code].businessCode : 500,
      retryable: task.error.retryable,
      ...(typeof providerCode === 'string' ? { provider_code: providerCode } : {}),
    };
  }
  if (task.failedProviders?.length) {
    resource.failed_providers = task.failedProviders.map((failure) => ({
      provider: failure.providerId, model: failure.modelId, attempts: failure.attempts,
      error: { code: failure.error.code, message: failure.error.message }, failed_at: failure.failedAt,
    }));
  }
  if (task.lastError && task.state === 'queued') resource.last_error = { code: task.lastError.code, message: task.lastError.message };
  if (task.webhook) resource.webhook = { url: redactQuery(task.webhook.url), state: task.webhook.state, attempts: task.webhook.attempts };
  return resource;
}

/** Webhook URLs often carry a token in the query string; never echo it back. */
function redactQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}

/** The usage in the resource's snake_case (the record keeps the providers' `Usage`). */
function usageResource(usage: Usage): NonNullable<TaskResource['usage']> {
  return {
    ...(usage.images !== undefined ? { images: usage.images } : {}),
    ...(usage.videoSeconds !== undefined ? { video_seconds: usage.videoSeconds } : {}),
  };
}
