import sharp from 'sharp';
import { setTimeout as delay } from 'node:timers/promises';
import { mkdir } from 'node:fs/promises';
import type { Settings } from '../config/settings.ts';
import { createEngine } from '../engine/create-engine.ts';
import type { Engine } from '../engine/engine-types.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { ProviderCatalog } from '../providers/provider-catalog.ts';
import { providerDefinitions } from '../providers/registry.ts';
import { providerSettingsSource, readConfigFile } from '../config/provider-config-file.ts';
import type { HybridPolicy } from '../routing/hybrid-policy.ts';
import type { ServiceName } from '../providers/spec/generation-call.ts';
import type { GenerationService } from '../services/generation-service.ts';
import { prepareJob } from '../services/prepare-job.ts';
import { createMemoryTaskBackend } from '../tasks/memory/create-memory-task-backend.ts';
import { createTaskService } from '../tasks/create-task-service.ts';
import type { TaskGenerationService } from '../tasks/task-generation-service.ts';
import { FileStore } from '../storage/file-store.ts';
import { oneAtATime } from '../config/one-at-a-time.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { SettingsError } from '../config/read-settings.ts';

/** Everything a running Atelier shares: built once at start-up (the composition root), closed on shutdown. */
export interface AppContext {
  settings: Settings;
  logger: Logger;
  fileStore: FileStore;
  catalog: ProviderCatalog;
  engine: Engine;
  generation: GenerationService;
  /** The same service with the task API (submit, get, list, cancel, events): `/v1/tasks` and the AOG video route. */
  tasks: TaskGenerationService;
  /** The stored per-service hybrid policy (AOG's `PUT /aog/v0.2/service`), used when a request sends none. */
  defaultPolicy(service: ServiceName): HybridPolicy;
  /** A provider's stored `desc` (`POST`/`PUT /aog/v0.2/service_provider`), by provider id; undefined when none is stored. */
  providerDescription(providerId: string): string | undefined;
  /** Re-reads config.json and the environment after `atelier install` or the AOG control plane changed them. */
  reloadConfiguration(): Promise<void>;
  /** Stops background work (engine workers, schedulers); in-flight work finishes first. */
  close(): Promise<void>;
}

export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return delay(milliseconds, undefined, { signal });
}

/** `durableTasks: false` keeps tasks in memory (one-shot CLI runs, which must not share a server's task database). */
export async function createContext(settings: Settings, options: { logger?: Logger; env?: Record<string, string | undefined>; durableTasks?: boolean } = {}): Promise<AppContext> {
  const logger = options.logger ?? createLogger({ level: settings.logLevel });
  // Owner only: it holds copies of every input and result, the task database and keys (umask 022 would share them).
  await mkdir(settings.dataDirectory, { recursive: true, mode: 0o700 });
  const fileStore = new FileStore(settings.dataDirectory);
  const engine = createEngine({ maxInputPixels: settings.input.maxPixels, logger, ffmpegPath: settings.ffmpegPath });
  const env = options.env ?? process.env;
  // One read of config.json gives both the provider settings and the per-service defaults.
  const config = await readConfigFile(settings.dataDirectory);
  let servicePolicies = config.services ?? {};
  let providerDescriptions = config.provider_descriptions ?? {};
  const catalog = startupSettings(() => new ProviderCatalog(providerDefinitions, providerSettingsSource(config, env), { fetch: globalThis.fetch, logger, now: () => new Date(), sleep, engine }));
  const prepareContext = {
    catalog, fileStore, inputSettings: settings.input, serverHost: settings.host,
    defaultFallbacks: (service: ServiceName) => servicePolicies[service]?.fallbacks,
  };
  const taskSystem = await createTaskService({
    dataDirectory: settings.dataDirectory, models: catalog, fileStore, logger, env, publicUrl: settings.publicUrl,
    allowPrivateUrls: settings.input.allowPrivateUrls, prepare: (request) => prepareJob(request, prepareContext),
    backend: options.durableTasks === false ? createMemoryTaskBackend() : undefined,
    retentionMilliseconds: options.durableTasks === false ? null : settings.retentionMilliseconds,
  });
  const generation = taskSystem.service;
  const reloadsInTurn = oneAtATime();
  logger.debug('context ready', { sharpConcurrency: sharp.concurrency(), dataDirectory: settings.dataDirectory });
  return {
    settings, logger, fileStore, catalog, engine, generation, tasks: taskSystem.service,
    defaultPolicy: (service) => (servicePolicies[service]?.hybrid_policy as HybridPolicy | undefined) ?? 'default',
    providerDescription: (providerId) => (Object.hasOwn(providerDescriptions, providerId) ? providerDescriptions[providerId] : undefined),
    // In turn: a slow read overtaken by a later one would otherwise apply the older config.json last.
    reloadConfiguration: () => reloadsInTurn(async () => {
      const reloaded = await readConfigFile(settings.dataDirectory);
      catalog.reload(providerSettingsSource(reloaded, env));
      servicePolicies = reloaded.services ?? {};
      providerDescriptions = reloaded.provider_descriptions ?? {};
    }),
    close: async () => {
      await taskSystem.close();
      await engine.close();
    },
  };
}

/**
 * Runs a start-up step that reads provider settings: an invalid one (a bad `DASHSCOPE_BASE_URL`, say) stops start-up
 * as an invalid flag does, with its one-line message, instead of as a crash with a stack trace.
 */
function startupSettings<Result>(step: () => Result): Result {
  try {
    return step();
  } catch (error) {
    if (GatewayError.isInstance(error) && error.code === 'parameter_invalid') throw new SettingsError(error.message, { cause: error });
    throw error;
  }
}

