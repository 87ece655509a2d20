/**
 * Test support for the task system: fake provider models whose every call the test controls, and a harness that
 * wires a scheduler and service around a memory backend and a real file store in a temporary directory.
 * Used only by `*.test.ts` files.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { silentLogger, type Logger } from '../logging/logger.ts';
import type { ProviderCapabilities } from '../providers/spec/capabilities.ts';
import type { GenerationCall } from '../providers/spec/generation-call.ts';
import type { CallContext, GenerationResult, JsonValue, ProviderModel, StartResult, StatusResult } from '../providers/spec/provider-model.ts';
import type { GenerationRequest } from '../services/generation-request.ts';
import type { JobSpec } from '../services/job-spec.ts';
import { FileStore } from '../storage/file-store.ts';
import { createMemoryTaskBackend } from './memory/create-memory-task-backend.ts';
import type { TaskBackend } from './task-backend.ts';
import { TaskEvents, type TaskEventMap, type TaskEventName } from './task-events.ts';
import { TaskGenerationService } from './task-generation-service.ts';
import type { TaskRecord } from './task-record.ts';
import { TaskScheduler, type ModelSource, type SchedulerOptions, type TaskEndListener } from './task-scheduler.ts';

/** A tiny valid PNG result. */
export const resultPng = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#804020' } }).png().toBuffer();

export function completedResult(bytes: Buffer = resultPng): GenerationResult {
  return { outputs: [{ bytes, mediaType: 'image/png' }], warnings: [{ type: 'other', feature: 'test', details: 'from the fake model' }], usage: { images: 1 } };
}

/** A model whose behaviour is a pair of functions; records every call. */
export class FakeModel implements ProviderModel {
  readonly starts: Array<{ call: GenerationCall; context: CallContext }> = [];
  readonly statusCalls: JsonValue[] = [];
  readonly cancels: JsonValue[] = [];
  running = 0;
  maxRunning = 0;
  status?: (operation: JsonValue, context: CallContext) => Promise<StatusResult>;
  cancel?: (operation: JsonValue) => Promise<void>;

  constructor(
    readonly providerId: string,
    readonly modelId: string,
    private readonly onStart: (call: GenerationCall, context: CallContext, index: number) => Promise<StartResult>,
    behaviour: { status?: (operation: JsonValue, context: CallContext, index: number) => Promise<StatusResult>; cancelable?: boolean } = {},
  ) {
    if (behaviour.status) {
      const status = behaviour.status;
      this.status = async (operation, context) => {
        this.statusCalls.push(operation);
        return status(operation, context, this.statusCalls.length - 1);
      };
    }
    if (behaviour.cancelable) {
      this.cancel = async (operation) => {
        this.cancels.push(operation);
      };
    }
  }

  async start(call: GenerationCall, context: CallContext): Promise<StartResult> {
    this.starts.push({ call, context });
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      return await this.onStart(call, context, this.starts.length - 1);
    } finally {
      this.running--;
    }
  }

  pollIntervalMs(): number {
    return 5;
  }
}

/** A promise with its resolve function exposed. */
export function deferred<Value = void>(): { promise: Promise<Value>; resolve(value: Value): void; reject(reason: unknown): void } {
  let resolve!: (value: Value) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<Value>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

/** Resolves when `signal` aborts, rejecting like an aborted engine call. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export function capabilities(id: string, kind: 'local' | 'cloud', defaultConcurrency: number): ProviderCapabilities {
  return { id, aliases: [], displayName: id, kind, defaultConcurrency, environment: [], models: [] };
}

/** A `ModelSource` over fake models: `local` is a local provider, everything else cloud. */
export class FakeModels implements ModelSource {
  private readonly models = new Map<string, FakeModel>();
  constructor(private readonly concurrency: Record<string, number> = {}) {}

  add(model: FakeModel): FakeModel {
    this.models.set(model.providerId, model);
    return model;
  }

  modelFor(providerId: string): ProviderModel {
    const model = this.models.get(providerId);
    if (!model) throw new Error(`provider ${providerId} is not configured`);
    return model;
  }

  findProvider(name: string): { capabilities: ProviderCapabilities } | undefined {
    if (!this.models.has(name)) return undefined;
    return { capabilities: capabilities(name, name === 'local' ? 'local' : 'cloud', this.concurrency[name] ?? 2) };
  }

  defaultConcurrency(providerId: string): number | undefined {
    return this.findProvider(providerId)?.capabilities.defaultConcurrency;
  }
}

export interface Harness {
  backend: TaskBackend;
  events: TaskEvents;
  scheduler: TaskScheduler;
  service: TaskGenerationService;
  fileStore: FileStore;
  models: FakeModels;
  /** Every event in order, as `name:taskId` (progress as `task-progress:<id>:<percent>`). */
  log: string[];
  /** A request for `providerId` (the fake `prepare` routes by `request.model`). */
  request(providerId: string, overrides?: Partial<GenerationRequest>): GenerationRequest;
  /** Resolves once the task reached a terminal state. */
  settled(taskId: string): Promise<TaskRecord>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  schedulerOptions?: SchedulerOptions;
  maxAttempts?: number;
  deadlineMilliseconds?: number;
  backend?: TaskBackend;
  webhooks?: TaskEndListener;
  logger?: Logger;
  /** Do not start the scheduler (recovery tests start it themselves). */
  manualStart?: boolean;
}

/**
 * Builds a harness; the fake `prepare` routes `request.model` (a provider id), keeps that provider's
 * `providerOptions`, maps `request.fallbacks` (provider ids) to the chain and stores the harness's 8×8 image, plus
 * the request's mask when it sends one (base64 of a canonical 8×8 mask PNG).
 */
export async function createHarness(models: FakeModels, options: HarnessOptions = {}): Promise<Harness> {
  const directory = await mkdtemp(join(tmpdir(), 'atelier-tasks-'));
  const fileStore = new FileStore(directory);
  const backend = options.backend ?? createMemoryTaskBackend();
  const events = new TaskEvents();
  const scheduler = new TaskScheduler(
    { backend, models, fileStore, events, logger: options.logger ?? silentLogger, webhooks: options.webhooks },
    { leaseMilliseconds: 300, retryBackoff: { baseMs: 20, maxMs: 200 }, pollErrorBackoff: { baseMs: 5, maxMs: 20 }, progressWriteIntervalMilliseconds: 0, shutdownGraceMilliseconds: 200, ...options.schedulerOptions },
  );
  const input = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } }).png().toBuffer();
  const storedInput = await fileStore.put(input, 'image/png');
  const prepare = async (request: GenerationRequest): Promise<JobSpec> => ({
    ...(typeof request.mask?.value === 'string' ? { mask: await storeCanonicalMask(fileStore, request.mask.value) } : {}),
    service: request.service,
    providerId: request.model ?? 'local',
    modelId: 'fake-model',
    requestedModel: request.model,
    image: { fileId: storedInput.id, mediaType: 'image/png', width: 8, height: 8, hasAlpha: false },
    parameters: request.parameters,
    providerOptions: request.providerOptions[request.model ?? 'local'] ?? {},
    warnings: [{ type: 'substituted', feature: 'model', details: 'prepared by the harness' }],
    // Fallbacks name fake providers directly (every fake model is `fake-model`).
    ...(request.fallbacks?.length ? { fallbacks: request.fallbacks.map((providerId) => ({ providerId, modelId: 'fake-model' })) } : {}),
  });
  const service = new TaskGenerationService({
    backend, scheduler, events, fileStore, prepare,
    maxAttempts: options.maxAttempts ?? 3,
    deadlineMilliseconds: { 'image-to-image': options.deadlineMilliseconds ?? 60_000, 'image-to-video': options.deadlineMilliseconds ?? 60_000 },
  });
  const log: string[] = [];
  const names: TaskEventName[] = ['task-created', 'task-start', 'task-progress', 'task-retry', 'task-end'];
  for (const name of names) {
    events.on(name, (payload: TaskEventMap[TaskEventName]) => {
      if ('task' in payload) log.push(`${name}:${payload.task.id}`);
      else log.push(`${name}:${payload.taskId}:${payload.progress}`);
    });
  }
  if (!options.manualStart) await scheduler.start();
  return {
    backend, events, scheduler, service, fileStore, models, log,
    request: (providerId, overrides = {}) => ({
      service: 'image-to-image',
      model: providerId,
      hybridPolicy: 'default',
      image: { value: 'unused', type: 'base64' },
      maskConvention: 'auto',
      parameters: { n: 1, prompt: `test-${Math.random()}` },
      providerOptions: {},
      ...overrides,
    }),
    settled: (taskId) => service.wait(taskId, { waitMilliseconds: 20_000 }),
    close: async () => {
      await scheduler.stop();
      await backend.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function storeCanonicalMask(fileStore: FileStore, base64: string): Promise<NonNullable<JobSpec['mask']>> {
  const stored = await fileStore.put(Buffer.from(base64, 'base64'), 'image/png');
  return { fileId: stored.id, mediaType: 'image/png', width: 8, height: 8, hasAlpha: false };
}
