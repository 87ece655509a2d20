import { describe, expect, it } from 'vitest';
import { providerDefinitions } from './registry.ts';

/** Credentials every cloud provider accepts, on a host no retirement applies to. */
const sampleSettings = { api_key: 'sk-aliases-review-0123456789', secret_id: 'AKIDaliasesreview', secret_key: 'aliases-review-secret-key', base_url: 'https://compatible.example/v1' };

describe('settingsAliases (which alias entries mergeProviderSettings moves under the id)', () => {
  it('names exactly the aliases whose config.json entry the provider reads', () => {
    for (const { capabilities, readSettings } of providerDefinitions.filter((definition) => definition.capabilities.kind === 'cloud')) {
      for (const alias of capabilities.aliases) {
        const read = readSettings({ env: {}, file: { [alias]: sampleSettings } }) !== undefined;
        expect(read, `${capabilities.id} reading providers.${alias}`).toBe(capabilities.settingsAliases?.includes(alias) ?? false);
      }
      expect(readSettings({ env: {}, file: { [capabilities.id]: sampleSettings } }), capabilities.id).toBeDefined();
    }
  });
});
