import { GatewayError } from '../errors/gateway-error.ts';
import type { Logger } from '../logging/logger.ts';
import type { BackoffOptions } from '../providers/shared/backoff.ts';
import type { CallContext, GenerationResult, JsonValue, ProviderModel } from '../providers/spec/provider-model.ts';
import { buildGenerationCall, storeOutputs } from '../services/run-job.ts';
import type { FileStore } from '../storage/file-store.ts';
import type { ActiveRun } from './active-run.ts';
import { pollOperation } from './poll-operation.ts';
import { fallbackWarnings, heldOperation, specForCurrentProvider, submissionKeyFor } from './provider-fallback.ts';
import type { TaskStore } from './task-store.ts';
import type { TaskEvents } from './task-events.ts';
import type { TaskPatch, TaskRecord, TaskState } from './task-record.ts';

/** Longest the one status call after a deadline may take (the call and its result downloads). */
const lastLookMilliseconds = 120_000;

export interface AttemptDependencies {
  store: TaskStore;
  fileStore: FileStore;
  events: TaskEvents;
  logger: Logger;
  /** The model of a task's current provider. @throws GatewayError when it is not configured */
  modelFor(task: TaskRecord): ProviderModel;
  /** Best effort: asks the provider to drop an operation nobody will poll. */
  cancelUpstream(task: TaskRecord, operation: JsonValue): void;
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
  isoNow(): string;
  now(): number;
}

export interface AttemptOptions {
  /** Delay after a failed poll. */
  pollErrorBackoff: BackoffOptions;
  /** Poll interval when the provider suggests none. */
  defaultPollIntervalMilliseconds: number;
  /** Upper bound on any poll interval. */
  maxPollIntervalMilliseconds?: number;
  /** Persist progress at most this often per task; events are not throttled. */
  progressWriteIntervalMilliseconds: number;
}

/** States a task can be claimed in. */
export const unfinishedStates: readonly TaskState[] = ['queued', 'running'];

/**
 * One attempt at a claimed task: start it on its provider (or resume polling the operation a provider already
 * holds), poll until it completes, and store the outputs. The scheduler decides when an attempt runs and what a
 * failure means; this decides nothing about retries. Every state change goes through the store with the states it
 * expects, so an attempt whose task was canceled meanwhile writes nothing.
 */
export class TaskAttemptRunner {
  constructor(private readonly dependencies: AttemptDependencies, private readonly options: AttemptOptions) {}

  private get store(): TaskStore {
    return this.dependencies.store;
  }

  /**
   * Runs the attempt to its result.
   *
   * @returns the patch that marks the task succeeded (the scheduler writes and announces it), or undefined when
   *   the task moved on meanwhile (canceled, or finished elsewhere) and there is nothing to write
   * @throws the provider's or the input's error, `task_interrupted` for a cloud start a crash cut short, or the
   *   run's stop reason when it was stopped (a cloud run only on cancel, or before its result was in hand)
   */
  async run(run: ActiveRun, initial: TaskRecord): Promise<{ taskId: string; patch: TaskPatch } | undefined> {
    let model: ProviderModel;
    try {
      model = this.dependencies.modelFor(initial);
    } catch (error) {
      throw GatewayError.isInstance(error) ? error : new GatewayError('provider_not_configured', { reason: `${initial.providerId} is not configured on this Atelier` });
    }

    let task: TaskRecord;
    let result: GenerationResult;
    if (heldOperation(initial) !== undefined) {
      // A saved handle means the provider has the task: resume polling, never start again.
      const resumed = await this.store.update(initial.id, { state: 'running', runPhase: 'polling', startedAt: initial.startedAt ?? this.dependencies.isoNow() }, unfinishedStates);
      if (!resumed) return undefined;
      task = resumed;
      run.phase = 'polling';
      this.dependencies.events.emit('task-start', { task });
      result = await this.poll(run, task, model);
    } else {
      if (initial.state === 'running' && initial.runPhase === 'starting' && !run.local) {
        throw new GatewayError('task_interrupted', { taskId: initial.id, provider: initial.providerId });
      }
      const starting = await this.store.update(initial.id, {
        state: 'running', runPhase: 'starting', attempts: initial.attempts + 1, startedAt: initial.startedAt ?? this.dependencies.isoNow(), progress: 0,
      }, unfinishedStates);
      if (!starting) return undefined;
      task = starting;
      this.dependencies.events.emit('task-start', { task });
      const spec = specForCurrentProvider(task);
      const call = await buildGenerationCall(spec, this.dependencies.fileStore);
      // A billable cloud start is never aborted half-way: the provider might accept it and we would lose the handle.
      const signal = run.local ? run.signal : new AbortController().signal;
      // Nothing may be billed before its inputs are on disk (a retry or a restart reads them from there).
      const inputsStored = this.dependencies.fileStore.whenStored(spec.image.fileId);
      if (!model.submitsAfterInputsStored) await inputsStored;
      const started = await model.start(call, { ...this.callContext(run, task, signal), inputsStored });
      if (started.status === 'pending') {
        let saved: TaskRecord | undefined;
        try {
          saved = await this.store.update(task.id, {
            operation: started.operation, runPhase: 'polling', progress: started.progress,
            warnings: [...task.warnings, ...(started.warnings ?? [])],
          }, ['running']);
        } catch (error) {
          // Unsaved, the handle is lost with this run: nobody would ever poll the task the provider bills for.
          this.dependencies.cancelUpstream(task, started.operation);
          throw error;
        }
        if (!saved) {
          this.dependencies.cancelUpstream(task, started.operation);
          return undefined;
        }
        task = saved;
        run.phase = 'polling';
        result = await this.poll(run, task, model);
      } else {
        result = started.result;
      }
    }
    // A cloud result in hand was paid for: a deadline or a lost lease that came while it was on its way does not
    // throw it away (the state compare-and-set still keeps a task another runner ended from being overwritten).
    // A cancel does: the client asked for no result.
    if (run.stopReason && (run.local || run.stopReason === 'cancel')) throw new Error(`stopped: ${run.stopReason}`);
    return { taskId: task.id, patch: await this.succeededPatch(task, result) };
  }

  /**
   * One status call for a task past its deadline whose provider holds an operation: the provider may have finished
   * it (and billed it) since the last poll, or while Atelier was down. Never throws.
   *
   * @returns the patch that marks the task succeeded when the operation completed, else undefined
   */
  async resultIfCompleted(run: ActiveRun, task: TaskRecord): Promise<{ taskId: string; patch: TaskPatch } | undefined> {
    const operation = heldOperation(task);
    if (operation === undefined) return undefined;
    try {
      const model = this.dependencies.modelFor(task);
      if (!model.status) return undefined;
      // The run's own signal is already aborted by the deadline: this look gets a bound of its own, whatever the
      // adapter's request and download timeouts add up to.
      const status = await model.status(operation, this.callContext(run, task, AbortSignal.timeout(lastLookMilliseconds)));
      if (status.status !== 'completed') return undefined;
      return { taskId: task.id, patch: await this.succeededPatch(task, status.result) };
    } catch (error) {
      this.dependencies.logger.warn('last status check before the deadline failure did not succeed', { taskId: task.id, code: GatewayError.isInstance(error) ? error.code : undefined });
      return undefined;
    }
  }

  /** Stores a result's outputs and builds the patch that marks the task succeeded. */
  private async succeededPatch(task: TaskRecord, result: GenerationResult): Promise<TaskPatch> {
    const stored = await storeOutputs(specForCurrentProvider(task), result.outputs, this.dependencies.fileStore);
    const outputs = stored.files.map((file, index) => {
      const seed = result.outputs[index].seed;
      return { fileId: file.id, mediaType: file.mediaType, size: file.size, ...(seed !== undefined ? { seed } : {}) };
    });
    return {
      state: 'succeeded', outputs, progress: 100, usage: result.usage, applied: result.applied, finishedAt: this.dependencies.isoNow(),
      warnings: [...task.spec.warnings, ...fallbackWarnings(task), ...task.warnings, ...result.warnings, ...stored.warnings],
    };
  }

  private poll(run: ActiveRun, task: TaskRecord, model: ProviderModel): Promise<GenerationResult> {
    return pollOperation({
      model,
      operation: task.operation as JsonValue,
      context: this.callContext(run, task, run.signal),
      sleep: this.dependencies.sleep,
      defaultIntervalMilliseconds: this.options.defaultPollIntervalMilliseconds,
      maxIntervalMilliseconds: this.options.maxPollIntervalMilliseconds,
      errorBackoff: this.options.pollErrorBackoff,
      onRetry: (error, failures) => this.dependencies.logger.warn('poll failed; retrying', { taskId: task.id, failures, code: GatewayError.isInstance(error) ? error.code : undefined }),
    });
  }

  private callContext(run: ActiveRun, task: TaskRecord, signal: AbortSignal): CallContext {
    return {
      signal,
      idempotencyKey: submissionKeyFor(task),
      onProgress: (percent) => this.reportProgress(run, percent),
    };
  }

  private reportProgress(run: ActiveRun, percent: number): void {
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
      this.dependencies.logger.debug('ignored an out-of-range progress report', { taskId: run.taskId, percent });
      return;
    }
    const progress = Math.floor(percent);
    if (progress === run.progress || run.stopReason) return;
    run.progress = progress;
    this.dependencies.events.emit('task-progress', { taskId: run.taskId, progress });
    const now = this.dependencies.now();
    if (now - run.lastProgressWrite >= this.options.progressWriteIntervalMilliseconds) {
      run.lastProgressWrite = now;
      this.store.update(run.taskId, { progress }, ['running']).catch((error: unknown) => this.dependencies.logger.warn('could not save progress', { taskId: run.taskId, error }));
    }
  }
}
