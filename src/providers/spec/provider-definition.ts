import type { Engine } from '../../engine/engine-types.ts';
import type { Logger } from '../../logging/logger.ts';
import type { ProviderCapabilities } from './capabilities.ts';
import type { ProviderModel } from './provider-model.ts';

/** Where provider settings come from: environment variables first, then the config file in the data dir. */
export interface ProviderSettingsSource {
  env: Readonly<Record<string, string | undefined>>;
  /** The `providers.<id>` objects of `<data-dir>/config.json` (written 0600). */
  file: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** What adapters may use; injected so tests can pass a fake clock or fetch. */
export interface ProviderDependencies {
  fetch: typeof fetch;
  logger: Logger;
  now(): Date;
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
  /** The embedded engine (used by the `local` provider only). */
  engine: Engine;
}

/**
 * One entry of the provider registry: capabilities as data, settings loading, and a model factory.
 * Each provider folder exports exactly one of these from its `index.ts`.
 */
export interface ProviderDefinition<Settings = unknown> {
  readonly capabilities: ProviderCapabilities;
  /** Returns undefined when the provider is not configured (no key). Never logs the key. */
  readSettings(source: ProviderSettingsSource): Settings | undefined;
  /**
   * Why the provider is not configured although the user gave it credentials (e.g. a retired endpoint), so that
   * start-up can warn and `GET /v1/providers` can say so. Undefined when there is nothing surprising to report.
   */
  unavailableReason?(source: ProviderSettingsSource): string | undefined;
  /**
   * Jobs in flight at once for these settings when `ATELIER_CONCURRENCY` names none, where it differs from
   * `capabilities.defaultConcurrency` (an OpenAI-compatible local server runs one job at a time). Undefined = that.
   */
  concurrencyFor?(settings: Settings): number | undefined;
  /** Secrets inside the settings, registered with the logger's redaction and grepped for by the leak test. */
  secretsOf(settings: Settings): string[];
  createModel(modelId: string, settings: Settings, dependencies: ProviderDependencies): ProviderModel;
}
