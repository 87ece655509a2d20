import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Logger } from '../logging/logger.ts';
import type { BackoffOptions } from '../providers/shared/backoff.ts';
import type { ProviderCapabilities } from '../providers/spec/capabilities.ts';
import type { JsonValue, ProviderModel } from '../providers/spec/provider-model.ts';
import type { FileStore } from '../storage/file-store.ts';
import { ActiveRun } from './active-run.ts';
import { canFallBack, fallbackPatch, heldOperation, nextFallback } from './provider-fallback.ts';
import { TaskAttemptRunner, unfinishedStates } from './task-attempt-runner.ts';
import type { TaskBackend } from './task-backend.ts';
import type { TaskEvents } from './task-events.ts';
import { isTerminal, type QueueEntry, type TaskPatch, type TaskRecord, type TaskState } from './task-record.ts';
import { decideRetry } from './task-retry-policy.ts';
import { cancelUpstreamOperation } from './upstream-cancel.ts';

/** The part of the provider catalogue the scheduler needs (`ProviderCatalog` satisfies it). */
export interface ModelSource {
  modelFor(providerId: string, modelId: string): ProviderModel;
  findProvider(name: string): { capabilities: ProviderCapabilities } | undefined;
  /** Jobs in flight at once for a provider by default: its settings', else its declared `defaultConcurrency`. */
  defaultConcurrency(providerId: string): number | undefined;
  /** Told when a provider answered that a model's endpoint is retired, so that routing stops choosing it. */
  modelRetired?(providerId: string, modelId: string, reason: string): void;
}

/** Tells someone that a task ended (the webhook dispatcher); must never block or throw. */
export interface TaskEndListener {
  taskEnded(task: TaskRecord): void;
}

export interface SchedulerDependencies {
  backend: TaskBackend;
  models: ModelSource;
  fileStore: FileStore;
  events: TaskEvents;
  logger: Logger;
  webhooks?: TaskEndListener;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  sleep?: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
}

export interface SchedulerOptions {
  /** This instance's lease owner id (default: random). */
  owner?: string;
  /** Jobs in flight per provider id; overrides the provider's `defaultConcurrency` (embedded engine: cores). */
  concurrency?: Readonly<Record<string, number>>;
  /** How long a claim stays valid without renewal (default 30 s; renewed every third of it). */
  leaseMilliseconds?: number;
  /** Delay between `start` retries (default base 1 s, max 60 s). */
  retryBackoff?: BackoffOptions;
  /** Delay after a failed poll (default base 1 s, max 30 s). */
  pollErrorBackoff?: BackoffOptions;
  /** Poll interval when the provider suggests none (default 2 s). */
  defaultPollIntervalMilliseconds?: number;
  /** Upper bound on any poll interval (development and tests against fake providers). */
  maxPollIntervalMilliseconds?: number;
  /** Persist progress at most this often per task (default 1 s); events are not throttled. */
  progressWriteIntervalMilliseconds?: number;
  /** How long graceful shutdown lets embedded-engine work finish before stopping it (default 10 s). */
  shutdownGraceMilliseconds?: number;
  /** Delay between the retries of an upstream cancel that failed transiently (default base 1 s, max 4 s: half to all of 1, 2, 4 s, with jitter). */
  cancelRetryBackoff?: BackoffOptions;
}

/** Upstream cancel calls at most, the first included: three retries, then the give-up is logged. */
const upstreamCancelAttempts = 4;

/** What happens to a queue entry once its runner is done: removed, kept (retry, shutdown), or moved to a provider. */
type EntryDisposition = { keep: false } | { keep: true; moveTo?: string };

/**
 * Runs tasks from the queue: per-provider concurrency limits, leases renewed while working, retries with backoff for
 * retryable errors only, the fallback chain (`spec.fallbacks`, see `provider-fallback.ts`), a deadline per task,
 * cancellation, and recovery after a crash. It talks to storage only through `TaskStore` and `TaskQueue`, so the
 * backend can change without touching it. It decides when and where a task runs and what a failure means; one
 * attempt itself (start or resume, poll, store the outputs) is `TaskAttemptRunner`'s.
 *
 * Recovery (`start`): leases of a dead process are released; then every queued task runs, a running embedded-engine
 * task runs again, a running cloud task with a saved operation resumes polling, and a cloud task that crashed while
 * its `start` was in flight fails with `task_interrupted` rather than risk a second billable submission.
 */
export class TaskScheduler {
  readonly owner: string;
  private readonly active = new Map<string, ActiveRun>();
  private readonly runningPerProvider = new Map<string, number>();
  private readonly now: () => number;
  private readonly sleep: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
  private readonly leaseMilliseconds: number;
  private readonly attempts: TaskAttemptRunner;
  private pumping = false;
  private pumpAgain = false;
  private stopped = false;
  private started = false;
  private wakeTimer?: NodeJS.Timeout;
  private wakeAt?: number;
  private stalledTimer?: NodeJS.Timeout;
  /** Aborted by `stop`: upstream cancel retries still waiting are dropped, so they never delay the exit. */
  private readonly stopping = new AbortController();

  constructor(private readonly dependencies: SchedulerDependencies, private readonly options: SchedulerOptions = {}) {
    this.owner = options.owner ?? `scheduler-${randomUUID()}`;
    this.now = dependencies.now ?? Date.now;
    this.sleep = dependencies.sleep ?? ((milliseconds, signal) => delay(milliseconds, undefined, { signal }));
    this.leaseMilliseconds = options.leaseMilliseconds ?? 30_000;
    this.attempts = new TaskAttemptRunner({
      store: dependencies.backend.store,
      fileStore: dependencies.fileStore,
      events: dependencies.events,
      logger: dependencies.logger,
      modelFor: (task) => dependencies.models.modelFor(task.providerId, task.modelId),
      cancelUpstream: (task, operation) => this.cancelUpstream(task, operation),
      sleep: this.sleep,
      isoNow: () => this.isoNow(),
      now: this.now,
    }, {
      pollErrorBackoff: options.pollErrorBackoff ?? { baseMs: 1000, maxMs: 30_000 },
      defaultPollIntervalMilliseconds: options.defaultPollIntervalMilliseconds ?? 2000,
      maxPollIntervalMilliseconds: options.maxPollIntervalMilliseconds,
      progressWriteIntervalMilliseconds: options.progressWriteIntervalMilliseconds ?? 1000,
    });
    for (const [providerId, limit] of Object.entries(options.concurrency ?? {})) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency for ${providerId} must be an integer ≥ 1, received ${limit}`);
    }
  }

  private get store() {
    return this.dependencies.backend.store;
  }

  private get queue() {
    return this.dependencies.backend.queue;
  }

  /** Recovers what an earlier process left behind, then starts taking work. */
  async start(): Promise<{ released: number; requeued: number }> {
    if (this.started) throw new Error('scheduler already started');
    this.started = true;
    const now = this.now();
    const released = await this.queue.requeueStalled({ now, releaseForeignLeases: this.dependencies.backend.exclusive ? { owner: this.owner } : undefined });
    // The store is the source of truth: a task stored just before a crash may never have reached the queue.
    const unfinished: TaskRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.list({ states: unfinishedStates, limit: 500, cursor });
      unfinished.push(...page.tasks);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    let requeued = 0;
    for (const task of unfinished.reverse()) { // oldest first, so they keep their turn
      if (!(await this.queue.get(task.id))) requeued++;
      await this.queue.enqueue({ taskId: task.id, providerId: task.providerId, availableAt: now });
    }
    if (released.length > 0 || requeued > 0) this.dependencies.logger.info('tasks recovered', { released: released.length, requeued });
    this.stalledTimer = setInterval(() => void this.checkStalled(), this.leaseMilliseconds);
    this.stalledTimer.unref();
    void this.pump();
    return { released: released.length, requeued };
  }

  /**
   * Wakes the scheduler after new work was queued. When the task's provider is already at its limit nothing can
   * start now (the next completion pumps), so a burst of submissions does not cost a claim query each.
   */
  notify(providerId?: string): void {
    if (providerId !== undefined && (this.runningPerProvider.get(providerId) ?? 0) >= this.limitFor(providerId)) return;
    void this.pump();
  }

  /** The concurrency limit of a provider. */
  limitFor(providerId: string): number {
    return this.options.concurrency?.[providerId] ?? this.dependencies.models.defaultConcurrency(providerId) ?? 1;
  }

  /** Tasks this instance is working on right now, by provider. */
  runningCounts(): Record<string, number> {
    return Object.fromEntries(this.runningPerProvider);
  }

  /**
   * Cancels a task. Queued: canceled at once. Running: marked canceled at once (the result is discarded if it still
   * arrives), local work is aborted, and the provider is asked to cancel where it can. A cloud `start` already in
   * flight is allowed to return so its operation can be canceled upstream instead of being orphaned.
   *
   * @throws GatewayError `task_not_found`, `task_already_finished`
   */
  async cancel(taskId: string): Promise<TaskRecord> {
    for (;;) {
      const task = await this.store.get(taskId);
      if (!task) throw new GatewayError('task_not_found', { id: taskId });
      if (task.state === 'canceled') return task;
      if (isTerminal(task.state)) throw new GatewayError('task_already_finished', { taskId, state: task.state });
      const canceled = await this.store.update(taskId, { state: 'canceled', finishedAt: this.isoNow() }, unfinishedStates);
      if (!canceled) continue; // the state moved under us: decide again on the fresh record
      const run = this.active.get(taskId);
      if (run) run.stop('cancel');
      else {
        await this.queue.remove(taskId);
        this.cancelHeldOperation(task);
      }
      this.announceEnd(canceled);
      return canceled;
    }
  }

  /**
   * Stops taking work. Polling runners stop at once (their tasks resume on the next start); embedded-engine work
   * gets a grace period, then is stopped and re-run on the next start; cloud `start` calls in flight are awaited so
   * their operation handles are saved.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping.abort();
    clearTimeout(this.wakeTimer);
    clearInterval(this.stalledTimer);
    for (const run of this.active.values()) if (run.phase === 'polling') run.stop('shutdown');
    const grace = this.options.shutdownGraceMilliseconds ?? 10_000;
    const allDone = Promise.all([...this.active.values()].map((run) => run.done));
    const timer = setTimeout(() => {
      for (const run of this.active.values()) if (run.local || run.phase === 'polling') run.stop('shutdown');
    }, grace);
    // Work that ignores its abort signal must not hold shutdown forever: its lease expires and it runs again later.
    // A billable cloud start in flight gets longer: its handle must be saved (DashScope's submit times out in 30 s).
    // A synchronous provider's call may run past this (timeouts of 120–180 s): its task then ends as task_interrupted.
    const cloudStarting = [...this.active.values()].some((run) => !run.local && run.phase === 'starting');
    const giveUpAfter = cloudStarting ? Math.max(grace * 2, 90_000) : grace * 2;
    let giveUp: NodeJS.Timeout | undefined;
    const gaveUp = await Promise.race([
      allDone.then(() => false),
      new Promise<boolean>((resolve) => (giveUp = setTimeout(() => resolve(true), giveUpAfter))),
    ]);
    clearTimeout(timer);
    clearTimeout(giveUp);
    if (gaveUp) this.dependencies.logger.warn('shutdown did not wait for tasks that ignored their stop signal', { taskIds: [...this.active.keys()] });
  }

  private async checkStalled(): Promise<void> {
    try {
      const released = await this.queue.requeueStalled({ now: this.now() });
      if (released.length > 0) {
        this.dependencies.logger.warn('stalled tasks requeued', { count: released.length });
        void this.pump();
      }
    } catch (error) {
      this.dependencies.logger.error('stalled check failed', { error });
    }
  }

  private fullProviders(): string[] {
    return [...this.runningPerProvider].filter(([providerId, running]) => running >= this.limitFor(providerId)).map(([providerId]) => providerId);
  }

  /** Claims entries while providers have capacity; arms a timer for the next delayed entry. */
  private async pump(): Promise<void> {
    if (this.stopped || !this.started) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        for (;;) {
          const entry = await this.queue.claim({ owner: this.owner, now: this.now(), leaseMilliseconds: this.leaseMilliseconds, excludeProviders: this.fullProviders() });
          if (!entry) break;
          // The stalled check released this entry while a run here still works on it (its renewals failed for a
          // whole lease, e.g. the database was locked): claiming it again renewed the lease for that same run,
          // which carries on. A second run would do the work twice, and a cloud task would be started twice.
          if (this.active.has(entry.taskId)) continue;
          this.runningPerProvider.set(entry.providerId, (this.runningPerProvider.get(entry.providerId) ?? 0) + 1);
          void this.execute(entry).finally(() => {
            const left = (this.runningPerProvider.get(entry.providerId) ?? 1) - 1;
            if (left > 0) this.runningPerProvider.set(entry.providerId, left);
            else this.runningPerProvider.delete(entry.providerId);
            void this.pump();
          });
          if (this.stopped) return;
        }
        // Inside the loop: a notify that arrives while the timer is armed (the queue was read before its task was
        // queued) must go round again, or its task would wait for some other event to wake the scheduler.
        await this.armWakeTimer();
      } while (this.pumpAgain);
    } catch (error) {
      this.dependencies.logger.error('scheduler could not claim work; retrying in 1 s', { error });
      this.wakeIn(1000);
    } finally {
      this.pumping = false;
    }
  }

  private async armWakeTimer(): Promise<void> {
    const next = await this.queue.nextAvailableAt(this.now(), this.fullProviders());
    if (next === undefined) return;
    this.wakeIn(Math.max(0, next - this.now()));
  }

  private wakeIn(milliseconds: number): void {
    const at = this.now() + milliseconds;
    if (this.wakeTimer && this.wakeAt !== undefined && this.wakeAt <= at) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = undefined;
      void this.pump();
    }, milliseconds + 1);
    this.wakeTimer.unref();
  }

  private isLocal(providerId: string): boolean {
    return this.dependencies.models.findProvider(providerId)?.capabilities.kind === 'local';
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  /** Runs one claimed entry to its end, a retry, or a stop. Never throws. */
  private async execute(entry: QueueEntry): Promise<void> {
    const run = new ActiveRun(entry.taskId, entry.providerId, this.isLocal(entry.providerId));
    this.active.set(entry.taskId, run);
    const renewal = setInterval(() => void this.renewLease(run), Math.max(10, Math.floor(this.leaseMilliseconds / 3)));
    renewal.unref();
    let deadlineTimer: NodeJS.Timeout | undefined;
    let disposition: EntryDisposition = { keep: false };
    try {
      const task = await this.store.get(entry.taskId);
      if (!task || isTerminal(task.state)) return;
      if (task.providerId !== entry.providerId) {
        // The task switched to a fallback provider but a crash came before its queue entry followed: move the entry
        // now, so it runs under the new provider's concurrency limit.
        disposition = { keep: true, moveTo: task.providerId };
        return;
      }
      const remaining = task.deadlineAt - this.now();
      if (remaining <= 0) {
        await this.expire(run, task);
        return;
      }
      deadlineTimer = setTimeout(() => run.stop('deadline'), remaining);
      deadlineTimer.unref();
      const succeeded = await this.attempts.run(run, task);
      if (succeeded) await this.finish(succeeded.taskId, succeeded.patch);
    } catch (error) {
      disposition = await this.handleFailure(run, error);
    } finally {
      clearInterval(renewal);
      clearTimeout(deadlineTimer);
      // A moved entry may already be claimed again by the time this runs: only forget this run, not its successor.
      if (this.active.get(entry.taskId) === run) this.active.delete(entry.taskId);
      try {
        if (run.stopReason === 'lease-lost') {
          // Another runner owns the entry now.
        } else if (disposition.keep && disposition.moveTo !== undefined) {
          await this.moveQueueEntry(entry.taskId, disposition.moveTo);
        } else if (!disposition.keep) {
          await this.queue.remove(entry.taskId);
        }
      } catch (error) {
        this.dependencies.logger.error('could not remove a finished queue entry', { taskId: entry.taskId, error });
      }
      run.finish();
    }
  }

  private async renewLease(run: ActiveRun): Promise<void> {
    try {
      const held = await this.queue.renew(run.taskId, this.owner, this.leaseMilliseconds, this.now());
      if (!held && !run.stopReason) {
        this.dependencies.logger.warn('lost the lease on a running task; stopping without writing', { taskId: run.taskId });
        run.stop('lease-lost');
      }
    } catch (error) {
      this.dependencies.logger.warn('lease renewal failed', { taskId: run.taskId, error });
    }
  }

  /**
   * Decides what a failure means: a retry on the same provider when the retry policy allows it, else the next
   * provider of the fallback chain when the error allows that (`canFallBack`), else a failed task.
   */
  private async handleFailure(run: ActiveRun, error: unknown): Promise<EntryDisposition> {
    const reason = run.stopReason;
    if (reason === 'lease-lost') return { keep: true };
    const task = await this.store.get(run.taskId);
    if (!task) return { keep: false };
    if (reason === 'shutdown') {
      await this.queue.release(task.id, this.owner, this.now());
      return { keep: true };
    }
    if (reason === 'cancel' || isTerminal(task.state)) {
      if (task.state === 'canceled') this.cancelHeldOperation(task);
      return { keep: false };
    }
    if (reason === 'deadline') {
      await this.expire(run, task);
      return { keep: false };
    }

    const gatewayError = this.asGatewayError(error, task);
    if (gatewayError.code === 'upstream_endpoint_retired') this.dependencies.models.modelRetired?.(task.providerId, task.modelId, gatewayError.message);
    const providerHeldOperation = heldOperation(task) !== undefined;
    // Once the provider holds an operation the task was accepted: whatever happens next is never resubmitted.
    const decision = providerHeldOperation
      ? { retry: false as const }
      : decideRetry(error, { attempts: task.attempts, maxAttempts: task.maxAttempts, local: run.local, backoff: this.options.retryBackoff ?? { baseMs: 1000, maxMs: 60_000 } });
    if (decision.retry) {
      const queued = await this.store.update(task.id, { state: 'queued', progress: 0, lastError: gatewayError.toJSON() }, unfinishedStates);
      if (!queued) return { keep: false };
      await this.queue.release(task.id, this.owner, this.now() + decision.delayMilliseconds);
      this.dependencies.logger.info('task will be retried', { taskId: task.id, attempt: task.attempts, delayMilliseconds: decision.delayMilliseconds, code: gatewayError.code });
      this.dependencies.events.emit('task-retry', { task: queued, delayMilliseconds: decision.delayMilliseconds });
      this.wakeIn(decision.delayMilliseconds);
      return { keep: true };
    }
    const next = nextFallback(task);
    if (next && canFallBack(error, providerHeldOperation)) {
      // Persisted before anything reaches the next provider: a crash from here on resumes there, and the provider
      // that failed is never sent this task again. The queue entry follows in `execute`, once the lease renewal stopped.
      const moved = await this.store.update(task.id, fallbackPatch(task, error, next, this.isoNow()), unfinishedStates);
      if (!moved) return { keep: false };
      this.dependencies.logger.warn('provider failed; the task moves to the next provider of its fallback chain', {
        taskId: task.id, failed: task.providerId, next: next.providerId, code: error.code,
      });
      this.dependencies.events.emit('task-retry', { task: moved, delayMilliseconds: 0 });
      return { keep: true, moveTo: next.providerId };
    }
    await this.fail(task.id, gatewayError, unfinishedStates);
    return { keep: false };
  }

  /**
   * Ends a task past its deadline: failed with `task_deadline_exceeded`, and the provider asked to cancel. When the
   * provider holds an operation it is looked at once first: a result it finished since the last poll (or while
   * Atelier was down) was paid for, and is kept.
   */
  private async expire(run: ActiveRun, task: TaskRecord): Promise<void> {
    const finished = await this.attempts.resultIfCompleted(run, task);
    if (finished) {
      await this.finish(finished.taskId, finished.patch, unfinishedStates);
      return;
    }
    await this.fail(task.id, deadlineError(task), unfinishedStates);
    this.cancelHeldOperation(task);
  }

  /** Re-files a task's queue entry under another provider (after a fallback), ready at once. */
  private async moveQueueEntry(taskId: string, providerId: string): Promise<void> {
    // Remove, then add: a crash in between leaves no entry, and `start` re-queues every unfinished task by its
    // stored provider, which is already the new one.
    await this.queue.remove(taskId);
    await this.queue.enqueue({ taskId, providerId, availableAt: this.now() });
  }

  /** Best effort: cancels the provider's operation when the task holds one. */
  private cancelHeldOperation(task: TaskRecord): void {
    const operation = heldOperation(task);
    if (operation !== undefined) this.cancelUpstream(task, operation);
  }

  private asGatewayError(error: unknown, task: TaskRecord): GatewayError {
    if (GatewayError.isInstance(error)) return error;
    const reference = randomUUID().slice(0, 8);
    this.dependencies.logger.error('task failed with an unexpected error', { taskId: task.id, provider: task.providerId, reference, error });
    return new GatewayError('internal_error', { reference });
  }

  private async fail(taskId: string, error: GatewayError, expectedStates: readonly TaskState[]): Promise<void> {
    await this.finish(taskId, { state: 'failed', error: error.toJSON(), finishedAt: this.isoNow() }, expectedStates);
  }

  /** Writes a terminal state unless the task moved on (e.g. was canceled) meanwhile; announces it if written. */
  private async finish(taskId: string, patch: TaskPatch, expectedStates: readonly TaskState[] = ['running']): Promise<void> {
    const finished = await this.store.update(taskId, patch, expectedStates);
    if (finished) this.announceEnd(finished);
  }

  private announceEnd(task: TaskRecord): void {
    this.dependencies.events.emit('task-end', { task });
    try {
      this.dependencies.webhooks?.taskEnded(task);
    } catch (error) {
      this.dependencies.logger.error('webhook dispatch failed', { taskId: task.id, error });
    }
  }

  /**
   * Best effort, in the background: asks the provider to drop the operation, retrying transient failures a few
   * times (`cancelUpstreamOperation`); failures are logged, never thrown, and the caller never waits.
   */
  private cancelUpstream(task: TaskRecord, operation: JsonValue): void {
    let model: ProviderModel;
    try {
      model = this.dependencies.models.modelFor(task.providerId, task.modelId);
    } catch {
      return;
    }
    if (!model.cancel) return;
    void cancelUpstreamOperation(model.cancel.bind(model), operation, { taskId: task.id, provider: task.providerId }, {
      attempts: upstreamCancelAttempts,
      backoff: this.options.cancelRetryBackoff ?? { baseMs: 1000, maxMs: 4000 },
      // An unref'd timer, and aborted by `stop`: a retry waiting on its backoff never keeps the process alive.
      sleep: this.dependencies.sleep ?? ((milliseconds, signal) => delay(milliseconds, undefined, { signal, ref: false })),
      signal: this.stopping.signal,
      logger: this.dependencies.logger,
    });
  }
}

function deadlineError(task: TaskRecord): GatewayError {
  const deadlineSeconds = Math.round((task.deadlineAt - Date.parse(task.createdAt)) / 1000);
  return new GatewayError('task_deadline_exceeded', { taskId: task.id, deadlineSeconds });
}
