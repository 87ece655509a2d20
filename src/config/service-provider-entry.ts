import { GatewayError } from '../errors/gateway-error.ts';
import type { ProviderDefinition } from '../providers/spec/provider-definition.ts';
import { checkInstalledSettings, type EnvironmentCheck } from './install-provider.ts';
import { mergeProviderSettings, setProviderDescription, updateConfigFile, type ConfigFile } from './provider-config-file.ts';

/** What `POST` or `PUT /aog/v0.2/service_provider` stores for a cloud provider; an absent part keeps what is stored. */
export interface ServiceProviderChange {
  /** Settings from `auth_key`, read as an install reads them. */
  settings?: Record<string, string>;
  /** The provider's `desc`. */
  description?: string;
}

/**
 * Whether config.json alone (as a start without environment variables reads it) configures `provider`. A part that is
 * invalid alone (Tencent's SecretKey, its SecretId being in the environment) configures nothing alone.
 */
export function storedSettingsConfigure(provider: ProviderDefinition, config: ConfigFile): boolean {
  try {
    return provider.readSettings({ env: {}, file: config.providers ?? {} }) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Stores a new provider entry (`POST /aog/v0.2/service_provider`): its settings merged as an install merges them and
 * its description (a stale one from an earlier entry goes when none is given). Refused, with nothing written, when
 * config.json already configures the provider (checked under the file's lock, so two creates cannot both succeed) or
 * when `checkInstalledSettings` refuses the settings (with the environment too, through `withEnvironment`).
 *
 * @throws GatewayError `provider_already_exists`; `parameter_invalid` from `checkInstalledSettings`
 */
export function createServiceProviderEntry(
  dataDirectory: string, provider: ProviderDefinition, change: Required<Pick<ServiceProviderChange, 'settings'>> & ServiceProviderChange,
  withEnvironment?: EnvironmentCheck,
): Promise<void> {
  const { id } = provider.capabilities;
  return updateConfigFile(dataDirectory, (config) => {
    if (storedSettingsConfigure(provider, config)) throw new GatewayError('provider_already_exists', { provider: id, source: 'config.json holds its settings' });
    mergeProviderSettings(config, provider.capabilities, change.settings);
    setProviderDescription(config, id, change.description);
  }, (config) => checkInstalledSettings(provider, config.providers ?? {}, withEnvironment));
}

/**
 * Changes a configured provider's entry (`PUT /aog/v0.2/service_provider`): new settings are merged over the stored
 * ones (a `base_url` stays when only a key is given), a new description replaces the old; an absent part keeps what is
 * stored, and a change with neither writes nothing. New settings are checked before the write, as for an install.
 *
 * Whether the provider is configured is decided under the file's lock, from config.json's `providers` as read there
 * together with the environment (`isConfiguredWith`): a check made before taking the lock could be overtaken by a
 * removal (`DELETE`), and the change would then re-create the provider or leave a stray description behind.
 *
 * @param isConfiguredWith whether the provider is configured with these `providers` and the environment variables
 *   (from `ProviderCatalog.settingsWith`)
 * @returns false when the provider was not configured at the moment of the write: nothing was written
 * @throws GatewayError `parameter_invalid` from `checkInstalledSettings`, or from `isConfiguredWith` when config.json
 *   and the environment are invalid together (config.json edited by hand since the start)
 */
export async function updateServiceProviderEntry(
  dataDirectory: string, provider: ProviderDefinition, change: ServiceProviderChange,
  { isConfiguredWith }: { isConfiguredWith: (file: NonNullable<ConfigFile['providers']>) => boolean },
): Promise<boolean> {
  const { id } = provider.capabilities;
  const { settings, description } = change;
  let configured = false;
  await updateConfigFile(dataDirectory, (config) => {
    configured = isConfiguredWith(config.providers ?? {});
    if (!configured || (settings === undefined && description === undefined)) return 'unchanged';
    if (settings !== undefined) mergeProviderSettings(config, provider.capabilities, settings);
    if (description !== undefined) setProviderDescription(config, id, description);
  }, (config) => {
    if (settings !== undefined) checkInstalledSettings(provider, config.providers ?? {}, isConfiguredWith);
  });
  return configured;
}
