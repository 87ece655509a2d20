import type { Logger } from '../logging/logger.ts';
import type { GenerationRequest } from '../services/generation-request.ts';
import type { JobSpec } from '../services/job-spec.ts';
import type { FileStore } from '../storage/file-store.ts';
import { RetentionSweeper } from './retention-sweeper.ts';
import { openSqliteTaskBackend } from './sqlite/open-sqlite-task-backend.ts';
import type { TaskBackend } from './task-backend.ts';
import { TaskEvents } from './task-events.ts';
import { TaskGenerationService } from './task-generation-service.ts';
import { TaskScheduler, type ModelSource, type SchedulerOptions } from './task-scheduler.ts';
import { readTaskSettings } from './task-settings.ts';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.ts';
import { resolveWebhookSecret } from './webhooks/webhook-secret.ts';

export interface TaskServiceOptions {
  dataDirectory: string;
  models: ModelSource;
  fileStore: FileStore;
  logger: Logger;
  prepare(request: GenerationRequest): Promise<JobSpec>;
  /** Base of URLs in webhook payloads. */
  publicUrl: string;
  /** Same policy as url inputs: whether webhooks may go to loopback/private addresses. */
  allowPrivateUrls: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Default: SQLite in `<data-dir>/atelier.db`. */
  backend?: TaskBackend;
  scheduler?: SchedulerOptions;
  /**
   * Finished tasks and unreferenced stored files older than this are deleted at start-up and hourly
   * (`RetentionSweeper`); absent or null keeps everything (tests, the one-shot CLI's memory backend).
   */
  retentionMilliseconds?: number | null;
}

/** The running task system: the service the routes use, and what shutdown has to stop. */
export interface TaskSystem {
  service: TaskGenerationService;
  scheduler: TaskScheduler;
  events: TaskEvents;
  backend: TaskBackend;
  webhookSecret: string;
  /** Present when a retention is set. */
  sweeper?: RetentionSweeper;
  /** Stops taking work, lets in-flight work settle (see `TaskScheduler.stop`), closes the database. */
  close(): Promise<void>;
}

/**
 * Wires the task system for a server: opens the backend, recovers what a previous process left (queued tasks run,
 * embedded-engine tasks re-run, cloud tasks resume polling), re-arms pending webhooks, starts scheduling and, when a
 * retention is set, the retention sweeper.
 */
export async function createTaskService(options: TaskServiceOptions): Promise<TaskSystem> {
  const settings = readTaskSettings(options.env);
  const backend = options.backend ?? openSqliteTaskBackend(options.dataDirectory);
  const events = new TaskEvents();
  const webhookSecret = await resolveWebhookSecret(options.dataDirectory, options.env);
  const webhooks = new WebhookDispatcher(backend.store, options.logger, {
    secret: webhookSecret,
    publicUrl: options.publicUrl,
    allowPrivateAddresses: options.allowPrivateUrls,
    timeoutMilliseconds: 10_000,
    maxAttempts: settings.webhookAttempts,
  });
  const scheduler = new TaskScheduler(
    { backend, models: options.models, fileStore: options.fileStore, events, logger: options.logger, webhooks },
    { concurrency: settings.concurrency, maxPollIntervalMilliseconds: settings.maxPollIntervalMilliseconds, ...options.scheduler },
  );
  const service = new TaskGenerationService({
    backend, scheduler, events, fileStore: options.fileStore, prepare: options.prepare,
    maxAttempts: settings.maxAttempts, deadlineMilliseconds: settings.deadlineMilliseconds,
  });
  await scheduler.start();
  await webhooks.resumePending();
  const sweeper = options.retentionMilliseconds
    ? new RetentionSweeper({ store: backend.store, fileStore: options.fileStore, logger: options.logger, retentionMilliseconds: options.retentionMilliseconds })
    : undefined;
  sweeper?.start();
  return {
    service, scheduler, events, backend, webhookSecret, sweeper,
    close: async () => {
      await sweeper?.stop();
      await scheduler.stop();
      await webhooks.close();
      await backend.close();
    },
  };
}
