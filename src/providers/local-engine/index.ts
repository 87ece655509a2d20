import type { ProviderDefinition } from '../spec/provider-definition.ts';
import { localEngineCapabilities } from './local-engine-capabilities.ts';
import { LocalEngineModel } from './local-engine-model.ts';

/** The embedded engine: always configured, needs no settings or keys. */
export const localEngineProvider: ProviderDefinition<Record<string, never>> = {
  capabilities: localEngineCapabilities,
  readSettings: () => ({}),
  secretsOf: () => [],
  createModel: (modelId, _settings, dependencies) => new LocalEngineModel(modelId, dependencies.engine),
};
