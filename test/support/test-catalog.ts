import type { Engine } from '../../src/engine/engine-types.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { ProviderCatalog } from '../../src/providers/provider-catalog.ts';
import { providerDefinitions } from '../../src/providers/registry.ts';

/** Every provider with settings read from `env` alone (no config file), for routing tests; nothing is ever called. */
export function catalogWith(env: Record<string, string>): ProviderCatalog {
  return new ProviderCatalog(providerDefinitions, { env, file: {} }, {
    fetch: globalThis.fetch, logger: silentLogger, now: () => new Date(), sleep: async () => {}, engine: {} as Engine,
  });
}
