import sharp from 'sharp';
import { setTimeout as delay } from 'node:timers/promises';
import { mkdir } from 'node:fs/promises';
import type { Settings } from '../config/settings.ts';
import { createEngine } from '../engine/create-engine.ts';
import type { Engine } from '../engine/engine-types.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { ProviderCatalog } from '../providers/provider-catalog.ts';
import { providerDefinitions } from '../providers/registry.ts';
import { readProviderSettingsSource } from '../config/provider-config-file.ts';
import { DirectGenerationService, type GenerationService } from '../services/generation-service.ts';
import { FileStore } from '../storage/file-store.ts';

/** Everything a running Atelier shares: built once at start-up (the composition root), closed on shutdown. */
export interface AppContext {
  settings: Settings;
  logger: Logger;
  fileStore: FileStore;
  catalog: ProviderCatalog;
  engine: Engine;
  generation: GenerationService;
  /** Stops background work (engine workers, schedulers); in-flight work finishes first. */
  close(): Promise<void>;
}

export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return delay(milliseconds, undefined, { signal });
}

export async function createContext(settings: Settings, options: { logger?: Logger; env?: Record<string, string | undefined> } = {}): Promise<AppContext> {
  const logger = options.logger ?? createLogger({ level: settings.logLevel });
  await mkdir(settings.dataDirectory, { recursive: true });
  const fileStore = new FileStore(settings.dataDirectory);
  const engine = createEngine({ maxInputPixels: settings.input.maxPixels });
  const source = await readProviderSettingsSource(settings.dataDirectory, options.env ?? process.env);
  const catalog = new ProviderCatalog(providerDefinitions, source, { fetch: globalThis.fetch, logger, now: () => new Date(), sleep, engine });
  const generation = new DirectGenerationService({ catalog, fileStore, inputSettings: settings.input, serverHost: settings.host, sleep });
  logger.debug('context ready', { sharpConcurrency: sharp.concurrency(), dataDirectory: settings.dataDirectory });
  return {
    settings, logger, fileStore, catalog, engine, generation,
    close: async () => {
      await engine.close();
    },
  };
}
