import { checkInstalledSettings, providerSettingsFromInstall } from '../config/install-provider.ts';
import { mergeProviderSettings, mergeServicePolicy, setProviderDescription, updateConfigFile } from '../config/provider-config-file.ts';
import { GatewayError, describeReceived } from '../errors/gateway-error.ts';
import { aogEndpointUrl } from '../providers/aog-endpoint-urls.ts';
import { findProviderNamed } from '../providers/provider-catalog.ts';
import { isRecord } from '../providers/shared/is-record.ts';
import type { ServiceName } from '../providers/spec/generation-call.ts';
import type { ProviderDefinition } from '../providers/spec/provider-definition.ts';
import type { Warning } from '../providers/spec/warning.ts';
import type { HybridPolicy } from '../routing/hybrid-policy.ts';
import type { AppContext } from '../server/create-context.ts';
import { shortenText } from '../text/character-length.ts';
import { isAbsent } from './aog-absent-value.ts';
import { servicesOf } from './aog-provider-names.ts';
import { aogFileVersion } from './aog-service-export.ts';
import { readDescription } from './aog-service-provider-requests.ts';
import { isServiceName, serviceNames } from './schemas/task-schemas.ts';
import { storedHybridPolicy } from './stored-hybrid-policy.ts';

/** Older files with the same layout, imported with a warning (AOG's own examples are `v0.6`, aog-compat §10). */
const acceptedOlderVersions = ['v0.6'];

/** What a `.aog` file changes, checked in full before anything is written. */
export interface AogImportPlan {
  /**
   * Settings to store by provider id, with the `service_providers` entry that gave them (for error messages) and the
   * description to store with them (none: the stored one stays).
   */
  providers: Map<string, { entry: string; provider: ProviderDefinition; settings: Record<string, string>; description?: string }>;
  policies: Map<ServiceName, HybridPolicy>;
  warnings: Warning[];
}

/**
 * Reads a `.aog` file (aog-compat §10) into what it changes, refusing it whole when one part is invalid:
 * - `version` must be `v0.7`; `v0.6` is read the same way with a warning; anything else is 422 (AOG's 10014).
 * - `services.<name>.hybrid_policy` is read as `PUT /aog/v0.2/service` reads it (absent or `""`: `default`).
 *   `service_providers` there is not used: Atelier routes by model and policy, not by a provider bound to a service.
 * - `service_providers.<name>` with a non-empty `auth_key` is read as an install reads it (`api_flavor` + `auth_key`);
 *   two entries giving one provider different settings are refused. Its `desc` is read as `POST`/`PUT
 *   /aog/v0.2/service_provider` read it and stored with the key (absent or `""`: the stored one stays); when entries
 *   of one provider give different ones, the first is stored and the others get a warning (AOG keeps one per service,
 *   Atelier one per provider). Without a key the entry changes nothing, its `desc` included: a cloud provider left
 *   unconfigured by the file gets a warning saying how to add its key.
 * - Services Atelier does not serve, and keyless entries of flavors it does not have, are skipped with a warning;
 *   a `url` other than the one Atelier calls gets a warning (it is not used). Other fields are not read.
 *
 * @throws GatewayError `aog_version_mismatch`; `parameter_invalid` naming the part, e.g.
 *   `service_providers.remote_aliyun_image-to-image.auth_key.api_key`; `hybrid_policy_invalid`
 */
export function planAogImport(file: Record<string, unknown>, definitions: readonly ProviderDefinition[], isConfigured: (providerId: string) => boolean): AogImportPlan {
  const plan: AogImportPlan = { providers: new Map(), policies: new Map(), warnings: [] };
  const version = file.version;
  if (version !== aogFileVersion && !acceptedOlderVersions.includes(version as string)) {
    throw new GatewayError('aog_version_mismatch', { received: describeReceived(version) });
  }
  if (version !== aogFileVersion) {
    plan.warnings.push({ type: 'other', feature: 'version', details: `the file is version ${String(version)}; it was read as ${aogFileVersion}, whose layout is the same` });
  }
  for (const [name, value] of Object.entries(objectAt(file, 'services'))) {
    const where = `services.${label(name)}`;
    if (isServiceName(name)) plan.policies.set(name, storedHybridPolicy(asObject(value, where).hybrid_policy, where));
    else plan.warnings.push(skipped(where, `${label(name)} is not a service Atelier serves (${serviceNames.join(', ')})`));
  }
  const keyless = Object.entries(objectAt(file, 'service_providers')).flatMap(([name, value]) => planProviderEntry(plan, definitions, name, value));
  // After every entry is read: another entry of the same provider may carry the key this one lacks.
  for (const { where, provider, service } of keyless) {
    const { id, kind } = provider.capabilities;
    if (kind !== 'cloud' || isConfigured(id) || plan.providers.has(id)) continue;
    plan.warnings.push({
      type: 'other', feature: where,
      details: `no auth_key (exports never carry one): ${id} stays unconfigured; add its key as auth_key in this entry, or run atelier install ${service} --remote --flavor ${id} --auth_key '<json>'`,
    });
  }
  return plan;
}

/** One `service_providers` entry into the plan; answers it when it has no key, for the warning about unconfigured providers. */
function planProviderEntry(
  plan: AogImportPlan, definitions: readonly ProviderDefinition[], name: string, value: unknown,
): Array<{ where: string; provider: ProviderDefinition; service: ServiceName }> {
  const where = `service_providers.${label(name)}`;
  const entry = asObject(value, where);
  const service = stringAt(entry, 'service_name', where);
  if (!isServiceName(service)) {
    plan.warnings.push(skipped(where, `its service ${service === undefined ? '(none)' : label(service)} is not one Atelier serves (${serviceNames.join(', ')})`));
    return [];
  }
  const flavor = stringAt(entry, 'api_flavor', where);
  const authKey = entry.auth_key;
  const hasKey = !isAbsent(authKey);
  const provider = hasKey
    ? addProviderSettings(plan, definitions, { where, name: label(name), flavor, authKey, service, entry })
    : flavor === undefined ? undefined : findProviderNamed(definitions, flavor);
  if (provider === undefined) {
    plan.warnings.push(skipped(where, `its api_flavor ${flavor === undefined ? '(none)' : label(flavor)} is not a provider Atelier has`));
    return [];
  }
  const url = stringAt(entry, 'url', where);
  const calledUrl = aogEndpointUrl(provider.capabilities.id, service);
  if (url !== undefined && url !== '' && url !== calledUrl) {
    plan.warnings.push({
      type: 'unsupported', feature: where,
      details: `url ${label(url)} is not used: Atelier calls ${provider.capabilities.displayName} at ${calledUrl === '' ? 'no url (it runs in process)' : calledUrl}`
        + (provider.capabilities.kind === 'cloud' ? '; to call another endpoint, give base_url in auth_key next to the key' : ''),
    });
  }
  return hasKey ? [] : [{ where, provider, service }];
}

/** Reads an entry's key as an install does, and its `desc`, and adds them to the plan; errors name the entry. */
function addProviderSettings(
  plan: AogImportPlan, definitions: readonly ProviderDefinition[],
  { where, name, flavor, authKey, service, entry }: { where: string; name: string; flavor: string | undefined; authKey: unknown; service: ServiceName; entry: Record<string, unknown> },
): ProviderDefinition {
  let read: ReturnType<typeof providerSettingsFromInstall>;
  let description: string | undefined;
  try {
    read = providerSettingsFromInstall(flavor, authKey);
    description = readDescription(entry);
  } catch (error) {
    throw namingEntry(error, where);
  }
  const provider = definitions.find((definition) => definition.capabilities.id === read.providerId)!;
  const earlier = plan.providers.get(read.providerId);
  if (earlier !== undefined && JSON.stringify(earlier.settings) !== JSON.stringify(read.settings)) {
    throw new GatewayError('parameter_invalid', {
      parameter: `${where}.auth_key`, expected: `the same settings as service_providers.${earlier.entry} (both configure ${read.providerId})`, received: 'different settings',
    });
  }
  if (earlier?.description !== undefined && description !== undefined && description !== earlier.description) {
    plan.warnings.push({
      type: 'other', feature: `${where}.desc`,
      details: `not stored: Atelier keeps one description per provider, the first one an entry of ${read.providerId} gives`,
    });
  }
  plan.providers.set(read.providerId, { entry: earlier?.entry ?? name, provider, settings: read.settings, description: earlier?.description ?? description });
  if (!servicesOf(provider.capabilities).includes(service)) {
    plan.warnings.push({
      type: 'other', feature: where,
      details: `${read.providerId} does not serve ${service}; its key is stored for ${servicesOf(provider.capabilities).join(', ')}`,
    });
  }
  return provider;
}

/**
 * Writes the plan in one checked, locked, 0600 write of config.json (settings merged as an install merges them, with
 * their descriptions) and applies it: when a provider refuses its settings (checked as a start without environment
 * variables would read them), nothing is written and the error names the entry.
 */
export async function applyAogImport(context: AppContext, plan: AogImportPlan): Promise<void> {
  if (plan.providers.size === 0 && plan.policies.size === 0) return;
  await updateConfigFile(context.settings.dataDirectory, (config) => {
    for (const [providerId, { provider, settings, description }] of plan.providers) {
      mergeProviderSettings(config, provider.capabilities, settings);
      if (description !== undefined) setProviderDescription(config, providerId, description);
    }
    for (const [service, policy] of plan.policies) mergeServicePolicy(config, service, policy);
  }, (config) => {
    for (const { entry, provider } of plan.providers.values()) {
      try {
        checkInstalledSettings(provider, config.providers ?? {}, (file) => context.catalog.settingsWith(provider.capabilities.id, file));
      } catch (error) {
        throw namingEntry(error, `service_providers.${entry}`);
      }
    }
  });
  await context.reloadConfiguration();
}

/** The same `parameter_invalid` with the parameter placed in the file, e.g. `auth_key.api_key` → `service_providers.x.auth_key.api_key`. */
function namingEntry(error: unknown, where: string): unknown {
  if (!GatewayError.isInstance(error) || error.code !== 'parameter_invalid') return error;
  return new GatewayError('parameter_invalid', { ...error.parameters, parameter: `${where}.${String(error.parameters.parameter)}` });
}

/** A top-level member of the file that must be an object when present; absent is empty. */
function objectAt(file: Record<string, unknown>, key: string): Record<string, unknown> {
  return asObject(Object.hasOwn(file, key) ? file[key] : undefined, key);
}

/** A value that must be a JSON object; absent or `null` is empty (Go reads `null` as the zero value). */
function asObject(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new GatewayError('parameter_invalid', { parameter: where, expected: 'a JSON object', received: describeReceived(value) });
  return value;
}

/** A member that must be a string when present. */
function stringAt(container: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = Object.hasOwn(container, key) ? container[key] : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new GatewayError('parameter_invalid', { parameter: `${where}.${key}`, expected: 'a string', received: describeReceived(value) });
  return value;
}

function skipped(feature: string, why: string): Warning {
  return { type: 'unsupported', feature, details: `skipped: ${why}` };
}

/** A name or value from the file as messages show it: names come from the client, so they are cut short. */
function label(text: string): string {
  return shortenText(text, 80);
}
