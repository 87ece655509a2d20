import { randomUUID } from 'node:crypto';
import { GatewayError, describeReceived } from '../errors/gateway-error.ts';
import type { ServiceName } from '../providers/spec/generation-call.ts';
import type { GenerationRequest } from '../services/generation-request.ts';
import type { GenerationService } from '../services/generation-service.ts';
import type { JobSpec } from '../services/job-spec.ts';
import { seedsOf, type JobOutcome } from '../services/run-job.ts';
import type { FileStore, StoredFile } from '../storage/file-store.ts';
import { hashGenerationRequest } from './request-hash.ts';
import type { TaskBackend } from './task-backend.ts';
import type { TaskEventMap, TaskEventName, TaskEvents } from './task-events.ts';
import { createTaskId, isTaskId } from './task-id.ts';
import { isTerminal, type TaskRecord, type TaskState } from './task-record.ts';
import type { TaskScheduler } from './task-scheduler.ts';
import type { TaskPage } from './task-store.ts';

export interface SubmitOptions {
  /** Client `Idempotency-Key`: the same key with the same request returns the first task. */
  idempotencyKey?: string;
  /** Receives a signed POST when the task ends. */
  webhookUrl?: string;
}

export interface WaitOptions {
  /** Give up waiting (not the task) after this long; absent = until the task ends. */
  waitMilliseconds?: number;
  /** Stops waiting (a client that went away); the task keeps running. */
  signal?: AbortSignal;
}

export interface TaskListFilter {
  state?: TaskState;
  service?: ServiceName;
  /** 1–100 (default 20). */
  limit?: number;
  cursor?: string;
}

/** One item of a task's event stream: a snapshot first, then what the scheduler announces. */
export type TaskStreamEvent =
  | { name: 'task-state'; task: TaskRecord }
  | { [Name in TaskEventName]: { name: Name; payload: TaskEventMap[Name] } }[TaskEventName];

export interface TaskServiceDependencies {
  backend: TaskBackend;
  scheduler: TaskScheduler;
  events: TaskEvents;
  fileStore: FileStore;
  /** Routing, input loading and storing (`prepareJob` bound to the app context). */
  prepare(request: GenerationRequest): Promise<JobSpec>;
  maxAttempts: number;
  deadlineMilliseconds: Readonly<Record<ServiceName, number>>;
  now?: () => number;
  /** How often waiters re-read the store for a task finished by another process (default 3 s). */
  recheckMilliseconds?: number;
}

/**
 * The durable `GenerationService`: every request, sync or async, becomes a task row first; synchronous callers
 * then wait on the task. The HTTP routes and the CLI use this; the scheduler does the work.
 */
export class TaskGenerationService implements GenerationService {
  private readonly now: () => number;
  /** How often `wait` and `events` re-read the store for a task another process may have finished. */
  private readonly recheckMilliseconds: number;

  constructor(private readonly dependencies: TaskServiceDependencies) {
    this.now = dependencies.now ?? Date.now;
    this.recheckMilliseconds = dependencies.recheckMilliseconds ?? 3000;
  }

  /**
   * Validates, prepares (routing and inputs: their errors surface here, before any task exists) and queues a task.
   *
   * @throws GatewayError `task_idempotency_conflict` when the key was used with a different request; input,
   *   routing and parameter errors from preparation
   */
  async submit(request: GenerationRequest, options: SubmitOptions = {}): Promise<{ task: TaskRecord; created: boolean }> {
    const { store, queue } = this.dependencies.backend;
    if (options.idempotencyKey !== undefined) checkIdempotencyKey(options.idempotencyKey);
    if (options.webhookUrl !== undefined) checkWebhookUrl(options.webhookUrl);
    const requestHash = options.idempotencyKey === undefined ? undefined : hashGenerationRequest(request, options.webhookUrl);
    if (options.idempotencyKey !== undefined) {
      const existing = await store.findByIdempotencyKey(options.idempotencyKey);
      if (existing) return this.replay(existing, options.idempotencyKey, requestHash);
    }

    const spec = await this.dependencies.prepare(request);
    const now = this.now();
    const createdAt = new Date(now).toISOString();
    const task: TaskRecord = {
      id: createTaskId(now),
      service: spec.service,
      providerId: spec.providerId,
      modelId: spec.modelId,
      state: 'queued',
      spec,
      attempts: 0,
      maxAttempts: this.dependencies.maxAttempts,
      submissionKey: randomUUID(),
      progress: 0,
      outputs: [],
      warnings: [],
      createdAt,
      updatedAt: createdAt,
      deadlineAt: now + this.dependencies.deadlineMilliseconds[spec.service],
      ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey, requestHash } : {}),
      ...(options.webhookUrl !== undefined ? { webhook: { url: options.webhookUrl, state: 'pending' as const, attempts: 0 } } : {}),
    };
    const inserted = await store.insert(task);
    // Two submits with one key raced and the other won: same rules as above.
    if (!inserted.created) return this.replay(inserted.task, options.idempotencyKey!, requestHash);
    await queue.enqueue({ taskId: task.id, providerId: task.providerId, availableAt: now });
    this.dependencies.events.emit('task-created', { task: inserted.task });
    this.dependencies.scheduler.notify(task.providerId);
    // The task may already be running; an answer that names it promises it is durable, inputs included.
    await this.dependencies.fileStore.whenStored(spec.image.fileId);
    return inserted;
  }

  /**
   * The task an earlier request with the same key created (or a conflict). Answered only once that task's input is
   * on disk, like the first answer: the first request may still be storing it.
   */
  private async replay(existing: TaskRecord, key: string, requestHash: string | undefined): Promise<{ task: TaskRecord; created: boolean }> {
    const task = sameRequestOrConflict(existing, key, requestHash);
    await this.dependencies.fileStore.whenStored(task.spec.image.fileId);
    return { task, created: false };
  }

  /**
   * Submits and waits (sync AOG routes, the CLI).
   *
   * @throws GatewayError the task's own error when it failed, `task_canceled`, or `task_wait_timeout` (504, with
   *   `task_id`) when `waitMilliseconds` ran out; the task keeps running in that case
   */
  async run(request: GenerationRequest, options: WaitOptions = {}): Promise<{ id: string; outcome: JobOutcome }> {
    const { task } = await this.submit(request);
    const finished = await this.wait(task.id, options);
    return { id: finished.id, outcome: await this.outcomeOf(finished, options.waitMilliseconds) };
  }

  /** The outcome of a succeeded task, or the error that explains why there is none. */
  async outcomeOf(task: TaskRecord, waitedMilliseconds?: number): Promise<JobOutcome> {
    if (task.state === 'succeeded') {
      const files: StoredFile[] = [];
      for (const output of task.outputs) {
        const file = await this.dependencies.fileStore.find(output.fileId);
        if (!file) throw new Error(`output ${output.fileId} of task ${task.id} is missing from the file store`);
        files.push(file);
      }
      return { files, seeds: seedsOf(task.outputs), applied: task.applied, warnings: task.warnings, usage: task.usage ?? {} };
    }
    throw taskError(task, waitedMilliseconds);
  }

  /** @throws GatewayError `task_not_found` */
  async get(id: string): Promise<TaskRecord> {
    const task = isTaskId(id) ? await this.dependencies.backend.store.get(id) : undefined;
    if (!task) throw new GatewayError('task_not_found', { id: id.slice(0, 80) });
    return task;
  }

  /** Newest first. @throws GatewayError `parameter_invalid` for a bad limit or cursor */
  async list(filter: TaskListFilter = {}): Promise<TaskPage> {
    const limit = filter.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new GatewayError('parameter_invalid', { parameter: 'limit', expected: 'an integer between 1 and 100', received: describeReceived(filter.limit) });
    }
    if (filter.cursor !== undefined && !isTaskId(filter.cursor)) {
      throw new GatewayError('parameter_invalid', { parameter: 'cursor', expected: 'the next_cursor of a previous page', received: describeReceived(filter.cursor) });
    }
    return this.dependencies.backend.store.list({ limit, cursor: filter.cursor, service: filter.service, states: filter.state ? [filter.state] : undefined });
  }

  /** @throws GatewayError `task_not_found`, `task_already_finished` */
  async cancel(id: string): Promise<TaskRecord> {
    await this.get(id);
    return this.dependencies.scheduler.cancel(id);
  }

  /**
   * Resolves with the task once it ends, or with its current record when `waitMilliseconds` runs out first.
   * Rejects only when `signal` aborts (or the task does not exist). Listens for the end event and, as a fallback
   * for tasks finished by another process sharing the backend, re-reads the store every few seconds.
   */
  async wait(id: string, options: WaitOptions = {}): Promise<TaskRecord> {
    let unsubscribe = () => {};
    let timer: NodeJS.Timeout | undefined;
    let recheck: NodeJS.Timeout | undefined;
    let onAbort = () => {};
    try {
      const ended = new Promise<TaskRecord | undefined>((resolve, reject) => {
        unsubscribe = this.dependencies.events.on('task-end', ({ task }) => {
          if (task.id === id) resolve(task);
        });
        recheck = this.whenEndedInStore(id, resolve);
        if (options.waitMilliseconds !== undefined) timer = setTimeout(() => resolve(undefined), options.waitMilliseconds);
        onAbort = () => reject(options.signal?.reason ?? new Error('aborted'));
        if (options.signal?.aborted) onAbort();
        else options.signal?.addEventListener('abort', onAbort, { once: true });
      });
      // Marked handled: when the task has already ended it is returned without awaiting this, and an abort that
      // came first would otherwise be an unhandled rejection, which ends the process.
      ended.catch(() => undefined);
      // Subscribed before reading, so an end between the read and the subscription cannot be missed.
      const current = await this.get(id);
      if (isTerminal(current.state)) return current;
      return (await ended) ?? (await this.get(id));
    } finally {
      unsubscribe();
      clearTimeout(timer);
      clearInterval(recheck);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Re-reads the task every few seconds and calls `onEnded` while it has ended in the store: another process sharing
   * the backend may end it, and its events never reach this one. Clear the returned timer when done.
   */
  private whenEndedInStore(id: string, onEnded: (task: TaskRecord) => void): NodeJS.Timeout {
    return setInterval(() => {
      this.dependencies.backend.store.get(id).then((task) => {
        if (task && isTerminal(task.state)) onEnded(task);
      }, () => {});
    }, this.recheckMilliseconds);
  }

  /**
   * A task's events, starting with a `task-state` snapshot and ending after `task-end` (or at once when the task
   * already ended). Ends early when `signal` aborts. Like `wait`, it re-reads the store every few seconds, so a
   * stream ends for a task that another process sharing the backend finished (its events never reach this one).
   */
  async *events(id: string, signal?: AbortSignal): AsyncGenerator<TaskStreamEvent> {
    const buffered: TaskStreamEvent[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = this.dependencies.events.onTask(id, (name, payload) => {
      buffered.push({ name, payload } as TaskStreamEvent);
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    const recheck = this.whenEndedInStore(id, (task) => {
      if (buffered.some((event) => event.name === 'task-end')) return;
      buffered.push({ name: 'task-end', payload: { task } });
      wake?.();
    });
    try {
      const snapshot = await this.get(id);
      yield { name: 'task-state', task: snapshot };
      if (isTerminal(snapshot.state)) return;
      while (!signal?.aborted) {
        const next = buffered.shift();
        if (!next) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        yield next;
        if (next.name === 'task-end') return;
      }
    } finally {
      clearInterval(recheck);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

function sameRequestOrConflict(existing: TaskRecord, key: string, requestHash: string | undefined): TaskRecord {
  if (existing.requestHash !== requestHash) throw new GatewayError('task_idempotency_conflict', { key: key.slice(0, 80), taskId: existing.id });
  return existing;
}

/** The error a waiting caller gets for a task that ended without a result (or did not end in time). */
export function taskError(task: TaskRecord, waitedMilliseconds?: number): GatewayError {
  if (task.state === 'failed' && task.error) {
    const error = GatewayError.fromJSON(task.error);
    return new GatewayError(error.code, error.parameters, { retryable: error.retryable, extra: { ...error.extra, task_id: task.id } });
  }
  if (task.state === 'canceled') return new GatewayError('task_canceled', { taskId: task.id }, { extra: { task_id: task.id } });
  return new GatewayError('task_wait_timeout', {
    taskId: task.id, state: task.state, waitSeconds: Math.round((waitedMilliseconds ?? 0) / 1000),
  }, { extra: { task_id: task.id } });
}

function checkIdempotencyKey(key: string): void {
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new GatewayError('parameter_invalid', { parameter: 'Idempotency-Key', expected: '1–255 visible ASCII characters', received: describeReceived(key) });
  }
}

function checkWebhookUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || url.length > 2048) {
    throw new GatewayError('parameter_invalid', { parameter: 'webhook_url', expected: 'an absolute http(s) URL of at most 2048 characters', received: describeReceived(url) });
  }
}
