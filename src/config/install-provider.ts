import { GatewayError, describeReceived } from '../errors/gateway-error.ts';
import { isRecord } from '../providers/shared/is-record.ts';
import type { ProviderDefinition, ProviderSettingsSource } from '../providers/spec/provider-definition.ts';
import { saveProviderSettings } from './provider-config-file.ts';

/** AOG flavors Atelier installs, with the provider id and the keys `auth_key` must hold. */
const flavors = {
  aliyun: { providerId: 'aliyun', keys: ['api_key'] },
  dashscope: { providerId: 'aliyun', keys: ['api_key'] },
  tencent: { providerId: 'tencent', keys: ['secret_id', 'secret_key'] },
  stepfun: { providerId: 'stepfun', keys: ['api_key'] },
  openai: { providerId: 'openai', keys: ['api_key'] },
} as const;

export type Flavor = keyof typeof flavors;
export const installableFlavors = Object.keys(flavors) as Flavor[];

/** Optional keys `auth_key` may add next to the credentials. */
const optionalKeys = ['base_url', 'region', 'endpoint', 'session_token'];

/**
 * Turns AOG's install arguments (`--flavor aliyun --auth_key '{"api_key":"…"}'`) into the provider settings stored
 * in config.json. The key itself is never echoed in errors. Both arguments arrive from JSON, so anything but a string
 * is refused rather than converted; the flavor is looked up among the table's own keys only (`constructor` or
 * `__proto__` are not flavors).
 *
 * @throws GatewayError `provider_auth_missing` without an `auth_key`; `parameter_invalid` naming `api_flavor`, `auth_key` or
 *   `auth_key.<key>`
 */
export function providerSettingsFromInstall(flavor: unknown, authKey: unknown): { providerId: string; settings: Record<string, string> } {
  if (typeof flavor !== 'string' || !Object.hasOwn(flavors, flavor)) {
    throw new GatewayError('parameter_invalid', { parameter: 'api_flavor', expected: `one of: ${installableFlavors.join(', ')}`, received: describeReceived(flavor) });
  }
  const { providerId, keys } = flavors[flavor as Flavor];
  // AOG's own check for this condition (20006), with AOG's message text.
  if (authKey === undefined || authKey === null || authKey === '') {
    throw new GatewayError('provider_auth_missing', { flavor, example: `{"${keys.join('":"…","')}":"…"}` });
  }
  if (typeof authKey !== 'string') {
    throw new GatewayError('parameter_invalid', { parameter: 'auth_key', expected: `a JSON string such as {"${keys[0]}":"…"}`, received: 'a value that is not a string' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(authKey);
  } catch {
    throw new GatewayError('parameter_invalid', { parameter: 'auth_key', expected: `a JSON string such as {"${keys[0]}":"…"}`, received: 'text that is not JSON' });
  }
  if (!isRecord(parsed)) {
    throw new GatewayError('parameter_invalid', { parameter: 'auth_key', expected: `a JSON object with ${keys.join(' and ')}`, received: jsonKindOf(parsed) });
  }
  const values = parsed as Record<string, unknown>;
  const own = (key: string): unknown => (Object.hasOwn(values, key) ? values[key] : undefined);
  const settings: Record<string, string> = {};
  for (const key of keys) {
    const value = own(key);
    if (typeof value !== 'string' || value === '') {
      throw new GatewayError('parameter_invalid', { parameter: `auth_key.${key}`, expected: 'a non-empty string', received: value === undefined ? 'nothing' : 'another value' });
    }
    settings[key] = value;
  }
  for (const key of optionalKeys) {
    const value = own(key);
    if (value !== undefined && typeof value !== 'string') {
      throw new GatewayError('parameter_invalid', { parameter: `auth_key.${key}`, expected: 'a string', received: jsonKindOf(value) });
    }
    if (value !== undefined && value !== '') settings[key] = value;
  }
  return { providerId, settings };
}

/**
 * What an `auth_key` value is, without its content: a key sent in the wrong shape (`"sk-…"` as a JSON string, a
 * session token as a number) would otherwise be quoted in the answer and the log.
 */
function jsonKindOf(value: unknown): string {
  if (value === null) return 'null';
  return `a JSON ${Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value}`;
}

/**
 * Checks the settings config.json would hold for `provider` as a start without environment variables reads them
 * (an environment variable set now would hide a bad stored value until it is unset, and then stop start-up). Run it
 * before writing: the provider's own checks (base URL, region, endpoint) decide, and a refusal names the
 * `auth_key` entry, e.g. `auth_key.base_url`, instead of the environment variable the provider's check names.
 *
 * Then, when given, `withEnvironment` reads them together with the environment the server runs with: a variable
 * that is harmless while the provider is unconfigured (a bad `TENCENTCLOUD_REGION`) is read once the stored key
 * configures it, and would then fail the reload and stop the next start; its error names that variable.
 *
 * @param file the config file's `providers` as they would be written
 * @param withEnvironment reads the provider's settings from `file` and the environment (`ProviderCatalog.settingsWith`
 *   on the server, `process.env` for `atelier install` without a server), throwing when they are invalid
 * @throws GatewayError `parameter_invalid`
 */
export function checkInstalledSettings(
  provider: ProviderDefinition, file: ProviderSettingsSource['file'], withEnvironment?: EnvironmentCheck,
): void {
  try {
    provider.readSettings({ env: {}, file });
  } catch (error) {
    if (!GatewayError.isInstance(error) || error.code !== 'parameter_invalid') throw error;
    const variable = String(error.parameters.parameter);
    const key = optionalKeys.find((name) => variable.endsWith(name.toUpperCase()));
    throw new GatewayError('parameter_invalid', { ...error.parameters, parameter: key === undefined ? `auth_key (${variable})` : `auth_key.${key}` });
  }
  withEnvironment?.(file);
}

/** Reads a provider's settings from config.json's `providers` and the environment, throwing when they are invalid. */
export type EnvironmentCheck = (file: ProviderSettingsSource['file']) => unknown;

/**
 * Stores an install's settings in config.json after `checkInstalledSettings` approved them, under the config file's
 * lock: a refusal leaves the file as it was. The one write for `POST /aog/v0.2/service/install` and `atelier install`.
 * Merged as `mergeProviderSettings` merges (over the stored settings; an entry the provider read under an alias moves
 * under its id first, and no other entry naming it stays).
 *
 * @throws GatewayError `parameter_invalid` from `checkInstalledSettings`
 */
export function saveInstalledSettings(
  dataDirectory: string, provider: ProviderDefinition, settings: Record<string, string>, withEnvironment?: EnvironmentCheck,
): Promise<void> {
  return saveProviderSettings(dataDirectory, provider.capabilities, settings, (config) => checkInstalledSettings(provider, config.providers ?? {}, withEnvironment));
}
