import type { SerializedGatewayError } from '../errors/gateway-error.ts';
import type { ServiceName } from '../providers/spec/generation-call.ts';
import type { JsonValue, Usage } from '../providers/spec/provider-model.ts';
import type { Warning } from '../providers/spec/warning.ts';
import type { JobSpec } from '../services/job-spec.ts';

/**
 * Where a task is in its life:
 *
 * ```
 * queued ──► running ──► succeeded
 *    │  ▲       │  └────► failed     (error = catalogue code + provider code/message)
 *    │  └retry──┤
 *    │          └───────► canceled   (client cancel; result discarded)
 *    └──────────────────► canceled
 * ```
 */
export type TaskState = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export const taskStates: readonly TaskState[] = ['queued', 'running', 'succeeded', 'failed', 'canceled'];
export const terminalTaskStates: readonly TaskState[] = ['succeeded', 'failed', 'canceled'];

/** True once nothing about the task's outcome can change any more. */
export function isTerminal(state: TaskState): boolean {
  return terminalTaskStates.includes(state);
}

/**
 * What a running task is doing, persisted so that a restarted Atelier knows what is safe:
 * - `starting`: `model.start` may be in flight. For a cloud provider the request may have been accepted (and billed),
 *   so a crash here is never followed by another `start`.
 * - `polling`: the provider's operation handle is saved; recovery resumes `status` calls.
 */
export type TaskRunPhase = 'starting' | 'polling';

/** One stored result file. */
export interface TaskOutput {
  fileId: string;
  mediaType: string;
  size: number;
  /** The seed that reproduces this output (n = 1), when the provider reports one (the embedded engine does). */
  seed?: number;
}

/** A provider that failed before the next one of the fallback chain took over. */
export interface FailedProvider {
  providerId: string;
  modelId: string;
  /** `start` calls it received. */
  attempts: number;
  error: SerializedGatewayError;
  /** ISO 8601. */
  failedAt: string;
}

/** Delivery state of the completion webhook (the task itself never waits for it). */
export interface TaskWebhook {
  url: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** Epoch ms of the next delivery attempt while `pending`. */
  nextAttemptAt?: number;
  lastError?: string;
  deliveredAt?: string;
}

/**
 * A task as persisted: everything needed to run, resume, report and deliver it. JSON-serialisable (it round-trips
 * through `JSON.stringify`/`JSON.parse` unchanged), so any backend can hold it as a document.
 */
export interface TaskRecord {
  /** UUIDv7: time-ordered, so ids double as the pagination cursor. */
  id: string;
  service: ServiceName;
  /** Provider and model that run it (copied from `spec` for indexing). */
  providerId: string;
  modelId: string;
  state: TaskState;
  runPhase?: TaskRunPhase;
  /** The fully resolved request: inputs by file-store reference, never inline bytes. */
  spec: JobSpec;
  /** `start` calls made so far (retries included; poll resumptions are not attempts). */
  attempts: number;
  /** Upper bound on `attempts`. */
  maxAttempts: number;
  /**
   * Minted once per task and passed to every `start` (providers that support it de-duplicate on it); each fallback
   * provider gets a key derived from it (`submissionKeyFor`).
   */
  submissionKey: string;
  /**
   * The provider's own handle (e.g. DashScope's task id), saved as soon as `start` returns it; `null` once a
   * fallback provider took over (the failed provider's handle no longer applies).
   */
  operation?: JsonValue;
  /**
   * Providers of the fallback chain (`spec.fallbacks`) that failed before `providerId` took over, oldest first. Its
   * length is the position of `providerId` in the chain; written in the same update that switches the provider.
   */
  failedProviders?: FailedProvider[];
  /** 0–100. */
  progress: number;
  outputs: TaskOutput[];
  warnings: Warning[];
  /** What the provider understood and applied (embedded engine: catalogue or motion ids), when it says. */
  applied?: string[];
  usage?: Usage;
  error?: SerializedGatewayError;
  /** The last retryable error while a retry is scheduled (cleared on success). */
  lastError?: SerializedGatewayError;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Epoch ms after which the task fails with `task_deadline_exceeded`. */
  deadlineAt: number;
  /** Client `Idempotency-Key`, unique across tasks. */
  idempotencyKey?: string;
  /** SHA-256 of the canonical request, compared when the same key comes back. */
  requestHash?: string;
  webhook?: TaskWebhook;
}

/**
 * The fields of a record that change after creation. Absent (or `undefined`) fields are left unchanged, so a patch
 * never erases something by accident.
 */
export type TaskPatch = Partial<Omit<TaskRecord, 'id' | 'service' | 'spec' | 'createdAt' | 'submissionKey' | 'idempotencyKey' | 'requestHash' | 'maxAttempts' | 'deadlineAt'>>;

/** A lease on a queue entry: who is working on it and until when (epoch ms). */
export interface TaskLease {
  owner: string;
  expiresAt: number;
}

/** A task waiting in (or held from) the queue. */
export interface QueueEntry {
  taskId: string;
  providerId: string;
  /** Epoch ms before which the entry is not handed out (retry backoff). */
  availableAt: number;
  lease?: TaskLease;
}
