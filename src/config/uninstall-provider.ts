import { findProviderNamed } from '../providers/provider-catalog.ts';
import type { ProviderDefinition } from '../providers/spec/provider-definition.ts';
import type { EnvironmentCheck } from './install-provider.ts';
import { removeProviderSettings } from './provider-config-file.ts';
import { storedSettingsConfigure } from './service-provider-entry.ts';

/**
 * Removes everything config.json stores for `provider` (`DELETE /aog/v0.2/service_provider`): the entry under its id
 * and any under one of its aliases, since a provider may read those too (aliyun reads `providers.dashscope`), and its
 * description. Written through the same locked, checked, 0600 write as an install. Environment variables are not
 * touched: a provider they configure stays configured after the caller reloads the catalogue.
 *
 * @param providers every provider, to tell which config.json keys name `provider`
 * @param checkWithEnvironment reads `provider`'s settings from these `providers` with the environment variables
 *   (`ProviderCatalog.settingsWith`), throwing when they are invalid together: when the environment holds part of them
 *   (Tencent's SecretId) and config.json the rest, the environment's part alone would stop the next start
 * @returns whether anything was stored (nothing is written when not)
 * @throws GatewayError `parameter_invalid` from `checkWithEnvironment`, nothing written
 */
export async function uninstallProvider(
  dataDirectory: string, provider: ProviderDefinition, providers: readonly ProviderDefinition[],
  checkWithEnvironment: EnvironmentCheck = () => undefined,
): Promise<boolean> {
  const removed = await removeProviderSettings(
    dataDirectory,
    (key) => findProviderNamed(providers, key) === provider,
    // Checked before writing, as a start without environment variables would read the file: nothing left may configure it.
    (config) => {
      if (storedSettingsConfigure(provider, config)) {
        throw new Error(`config.json would still configure ${provider.capabilities.id} after removing its settings`);
      }
      checkWithEnvironment(config.providers ?? {});
    },
  );
  return removed.length > 0;
}
