import { GatewayError } from '../errors/gateway-error.ts';
import type { ProviderDefinition } from '../providers/spec/provider-definition.ts';
import { checkInstalledSettings } from './install-provider.ts';
import { mergeProviderSettings, setProviderDescription, updateConfigFile, type ConfigFile } from './provider-config-file.ts';

/** What `POST` or `PUT /aog/v0.2/service_provider` stores for a cloud provider; an absent part keeps what is stored. */
export interface ServiceProviderChange {
  /** Settings from `auth_key`, read as an install reads them. */
  settings?: Record<string, string>;
  /** The provider's `desc`. */
  description?: string;
}

/** Whether config.json alone (as a start without environment variables reads it) configures `provider`. */
export function storedSettingsConfigure(provider: ProviderDefinition, config: ConfigFile): boolean {
  return provider.readSettings({ env: {}, file: config.providers ?? {} }) !== undefined;
}

/**
 * Stores a new provider entry (`POST /aog/v0.2/service_provider`): its settings merged as an install merges them and
 * its description (a stale one from an earlier entry goes when none is given). Refused, with nothing written, when
 * config.json already configures the provider (checked under the file's lock, so two creates cannot both succeed) or
 * when `checkInstalledSettings` refuses the settings. The caller checks the environment beforehand.
 *
 * @throws GatewayError `provider_already_exists`; `parameter_invalid` from `checkInstalledSettings`
 */
export function createServiceProviderEntry(dataDirectory: string, provider: ProviderDefinition, change: Required<Pick<ServiceProviderChange, 'settings'>> & ServiceProviderChange): Promise<void> {
  const { id } = provider.capabilities;
  return updateConfigFile(dataDirectory, (config) => {
    if (storedSettingsConfigure(provider, config)) throw new GatewayError('provider_already_exists', { provider: id, source: 'config.json holds its settings' });
    mergeOverStoredSettings(config, provider, change.settings);
    setProviderDescription(config, id, change.description);
  }, (config) => checkInstalledSettings(provider, config.providers ?? {}));
}

/**
 * Changes a configured provider's entry (`PUT /aog/v0.2/service_provider`): new settings are merged over the stored
 * ones (a `base_url` stays when only a key is given), a new description replaces the old; an absent part keeps what is
 * stored, and a change with neither writes nothing. New settings are checked before the write, as for an install.
 *
 * @throws GatewayError `parameter_invalid` from `checkInstalledSettings`
 */
export function updateServiceProviderEntry(dataDirectory: string, provider: ProviderDefinition, change: ServiceProviderChange): Promise<void> {
  const { id } = provider.capabilities;
  const { settings, description } = change;
  return updateConfigFile(dataDirectory, (config) => {
    if (settings === undefined && description === undefined) return 'unchanged';
    if (settings !== undefined) mergeOverStoredSettings(config, provider, settings);
    if (description !== undefined) setProviderDescription(config, id, description);
  }, (config) => {
    if (settings !== undefined) checkInstalledSettings(provider, config.providers ?? {});
  });
}

/**
 * `mergeProviderSettings` over the entry `provider` reads. Without an entry under its id a provider may read one
 * under an alias (aliyun reads `providers.dashscope`): that one is moved under the id first, or a new key would hide
 * its `base_url` (a region switched silently) and leave its old key behind in the file.
 */
function mergeOverStoredSettings(config: ConfigFile, provider: ProviderDefinition, settings: Record<string, string>): void {
  const { id, aliases } = provider.capabilities;
  const stored = config.providers ?? {};
  const alias = Object.hasOwn(stored, id) ? undefined : aliases.find((name) => Object.hasOwn(stored, name));
  if (alias !== undefined) {
    config.providers = { ...stored, [id]: stored[alias] };
    delete config.providers[alias];
  }
  mergeProviderSettings(config, id, settings);
}
