import { findProviderNamed } from '../providers/provider-catalog.ts';
import type { ProviderDefinition } from '../providers/spec/provider-definition.ts';
import { removeProviderSettings } from './provider-config-file.ts';

/**
 * Removes everything config.json stores for `provider` (`DELETE /aog/v0.2/service_provider`): the entry under its id
 * and any under one of its aliases, since a provider may read those too (aliyun reads `providers.dashscope`), and its
 * description. Written
 * through the same locked, checked, 0600 write as an install. Environment variables are not touched: a provider they
 * configure stays configured after the caller reloads the catalogue.
 *
 * @param providers every provider, to tell which config.json keys name `provider`
 * @returns whether anything was stored (nothing is written when not)
 */
export async function uninstallProvider(dataDirectory: string, provider: ProviderDefinition, providers: readonly ProviderDefinition[]): Promise<boolean> {
  const removed = await removeProviderSettings(
    dataDirectory,
    (key) => findProviderNamed(providers, key) === provider,
    // Checked before writing, as a start without environment variables would read the file: nothing left may configure it.
    (config) => {
      if (provider.readSettings({ env: {}, file: config.providers ?? {} }) !== undefined) {
        throw new Error(`config.json would still configure ${provider.capabilities.id} after removing its settings`);
      }
    },
  );
  return removed.length > 0;
}
