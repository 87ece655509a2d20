import { providerSettingsFromInstall } from '../config/install-provider.ts';
import type { ServiceProviderChange } from '../config/service-provider-entry.ts';
import { GatewayError, describeReceived } from '../errors/gateway-error.ts';
import { aogEndpointUrl } from '../providers/aog-endpoint-urls.ts';
import { findProviderNamed } from '../providers/provider-catalog.ts';
import type { ServiceName } from '../providers/spec/generation-call.ts';
import type { ProviderDefinition } from '../providers/spec/provider-definition.ts';
import { atMostCharacters, characterLength, fitsCharacterLimit, leadingCharacters } from '../text/character-length.ts';
import { isAbsent } from './aog-absent-value.ts';
import { resolveAogProviderName, servicesOf } from './aog-provider-names.ts';
import { isServiceName } from './schemas/task-schemas.ts';

export const serviceSources = ['local', 'remote'] as const;

/** Longest stored `desc`: a label for a listing, not a document (config.json holds it). */
export const maxDescriptionLength = 500;

/**
 * The service a request names, as an install reads it. A request without one is a 400 like any missing required
 * field (AOG's request validator answers 400 too), not a 404 about a service called "nothing".
 *
 * @throws GatewayError `parameter_missing`; `service_not_found`
 */
export function checkService(value: unknown): ServiceName {
  if (isServiceName(value)) return value;
  if (isAbsent(value)) throw new GatewayError('parameter_missing', { parameter: 'service_name' });
  throw new GatewayError('service_not_found', { service: describeReceived(value) });
}

/**
 * `service_source` as install and create read it: `remote` (also when absent, `null` or `""`, as Go clients send
 * "unset") or `local`.
 *
 * @throws GatewayError `parameter_invalid` for anything else
 */
export function readServiceSource(body: Record<string, unknown>): (typeof serviceSources)[number] {
  const source = Object.hasOwn(body, 'service_source') ? body.service_source : undefined;
  if (isAbsent(source)) return 'remote';
  if (source === 'local' || source === 'remote') return source;
  throw new GatewayError('parameter_invalid', { parameter: 'service_source', expected: `one of: ${serviceSources.join(', ')}`, received: describeReceived(source) });
}

/** What `POST /aog/v0.2/service_provider` asks for: nothing to store (the embedded engine), or a cloud provider's entry. */
export type CreateServiceProviderPlan =
  | { kind: 'embedded' }
  | { kind: 'cloud'; provider: ProviderDefinition; change: Required<Pick<ServiceProviderChange, 'settings'>> & ServiceProviderChange };

/**
 * Reads AOG's `CreateServiceProviderRequest` as an install reads its provider fields: `service_name`, `service_source`
 * (default `remote`; `local` is the embedded engine, which needs nothing stored), `api_flavor` (or `flavor`, the
 * listing's name for it) and `auth_key`; plus `provider_name`, which must name the same provider and service
 * (Atelier keeps one entry per provider, under its own names), `desc`, stored, and `url`, which must be the endpoint
 * Atelier calls when given. AOG's other fields (`method`, `auth_type`, `models`, `extra_headers`, `extra_json_body`,
 * `properties`) are not read. `""` and `null` count as absent, as Go clients send them.
 *
 * @throws GatewayError `service_not_found`; `provider_auth_missing`; `parameter_invalid` naming the field
 */
export function readCreateServiceProviderRequest(body: Record<string, unknown>, definitions: readonly ProviderDefinition[]): CreateServiceProviderPlan {
  const service = checkService(body.service_name);
  if (readServiceSource(body) === 'local') {
    const local = definitions.find((definition) => definition.capabilities.kind === 'local')!;
    checkProviderName(body, definitions, local, service);
    return { kind: 'embedded' };
  }
  const { providerId, settings } = providerSettingsFromInstall(flavorOf(body), body.auth_key);
  const provider = definitions.find((definition) => definition.capabilities.id === providerId)!;
  checkServed(provider, service);
  checkProviderName(body, definitions, provider, service);
  checkUrl(body, provider, [service]);
  return { kind: 'cloud', provider, change: { settings, description: readDescription(body) } };
}

/**
 * Reads AOG's `UpdateServiceProviderRequest`: `provider_name` (required: an AOG name such as
 * `remote_aliyun_image-to-image`, or the provider's id or alias) picks a configured cloud provider; `auth_key` (read as
 * an install reads it, for that provider) and `desc` are what can change, and an absent or empty one keeps its stored
 * value, as in AOG. `service_name`, `service_source`, `api_flavor`/`flavor` and `url` may be sent but must agree with
 * the provider: Atelier cannot move a provider to another service or endpoint. AOG's other fields are not read.
 *
 * @param isConfigured whether a provider is configured now (listed by `GET /aog/v0.2/service_provider`)
 * @returns the provider, the change, and `providerName` as sent (for `providerNotConfigured` when the write finds the
 *   provider removed meanwhile)
 * @throws GatewayError `parameter_missing`; `provider_not_found` for a name Atelier does not know or a provider not
 *   configured; `parameter_invalid` naming the field (the embedded engine has nothing to change)
 */
export function readUpdateServiceProviderRequest(
  body: Record<string, unknown>, definitions: readonly ProviderDefinition[], isConfigured: (providerId: string) => boolean,
): { provider: ProviderDefinition; providerName: string; change: ServiceProviderChange } {
  const name = optionalString(body, 'provider_name');
  if (name === undefined) throw new GatewayError('parameter_missing', { parameter: 'provider_name' });
  const resolved = resolveKnownProviderName(definitions, name);
  const { provider } = resolved;
  const { id, kind } = provider.capabilities;
  if (kind === 'local') {
    throw new GatewayError('parameter_invalid', { parameter: 'provider_name', expected: `a cloud provider (${cloudProviderIds(definitions)}): the embedded engine has no settings to change`, received: describeReceived(name) });
  }
  if (!isConfigured(id)) throw providerNotConfigured(name, provider, definitions, isConfigured);
  const service = isAbsent(body.service_name) ? resolved.service : checkService(body.service_name);
  if (service !== undefined) {
    checkServed(provider, service);
    if (resolved.service !== undefined && service !== resolved.service) {
      throw new GatewayError('parameter_invalid', { parameter: 'service_name', expected: `${resolved.service}, the service of provider_name ${leadingCharacters(name, 80)}`, received: describeReceived(service) });
    }
  }
  const source = optionalString(body, 'service_source');
  if (source !== undefined && source !== 'remote') {
    throw new GatewayError('parameter_invalid', { parameter: 'service_source', expected: `remote (${id} is a cloud provider)`, received: describeReceived(source) });
  }
  const flavor = flavorOf(body);
  if (flavor !== undefined && findProviderNamed(definitions, flavor) !== provider) {
    throw new GatewayError('parameter_invalid', { parameter: 'api_flavor', expected: `${id}, the flavor of provider_name ${leadingCharacters(name, 80)}`, received: describeReceived(flavor) });
  }
  checkUrl(body, provider, service === undefined ? servicesOf(provider.capabilities) : [service]);
  const authKey = body.auth_key;
  const settings = isAbsent(authKey) ? undefined : providerSettingsFromInstall(id, authKey).settings;
  return { provider, providerName: name, change: { settings, description: readDescription(body) } };
}

/**
 * The provider (and service, when the name gives one) that a `provider_name` sent to an update or a removal names.
 *
 * @throws GatewayError `provider_not_found` listing the providers Atelier knows
 */
export function resolveKnownProviderName(definitions: readonly ProviderDefinition[], name: string): { provider: ProviderDefinition; service?: ServiceName } {
  const resolved = resolveAogProviderName(definitions, name);
  if (resolved !== undefined) return resolved;
  throw new GatewayError('provider_not_found', { provider: leadingCharacters(name, 80), known: definitions.map((definition) => definition.capabilities.id).join(', ') });
}

/**
 * The 404 of an update for a provider that is not configured, `name` being the `provider_name` sent. The others
 * configured are listed; `provider` never is (the catalogue may still list it while a removal is being applied).
 */
export function providerNotConfigured(
  name: string, provider: ProviderDefinition, definitions: readonly ProviderDefinition[], isConfigured: (providerId: string) => boolean,
): GatewayError {
  const configured = definitions.filter((definition) => definition !== provider && definition.capabilities.kind === 'cloud' && isConfigured(definition.capabilities.id));
  return new GatewayError('provider_not_found', {
    provider: `${leadingCharacters(name, 80)}, which is not configured (POST /aog/v0.2/service_provider creates it)`,
    known: configured.length === 0 ? 'no cloud provider is configured' : `configured: ${configured.map((definition) => definition.capabilities.id).join(', ')}`,
  });
}

/** `api_flavor`, or `flavor` as the listing names it; both given must agree. */
function flavorOf(body: Record<string, unknown>): string | undefined {
  const apiFlavor = optionalString(body, 'api_flavor');
  const flavor = optionalString(body, 'flavor');
  if (apiFlavor !== undefined && flavor !== undefined && apiFlavor !== flavor) {
    throw new GatewayError('parameter_invalid', { parameter: 'flavor', expected: `nothing, or the same value as api_flavor (${leadingCharacters(apiFlavor, 60)})`, received: describeReceived(flavor) });
  }
  return apiFlavor ?? flavor;
}

/** A `provider_name`, when given, must name `provider` and, when it names a service (`remote_aliyun_image-to-video`), `service`. */
function checkProviderName(body: Record<string, unknown>, definitions: readonly ProviderDefinition[], provider: ProviderDefinition, service: ServiceName): void {
  const name = optionalString(body, 'provider_name');
  if (name === undefined) return;
  const resolved = resolveAogProviderName(definitions, name);
  if (resolved?.provider === provider && (resolved.service === undefined || resolved.service === service)) return;
  const expected = provider.capabilities.kind === 'local' ? `local_atelier_${service}` : `remote_${provider.capabilities.id}_${service}`;
  throw new GatewayError('parameter_invalid', {
    parameter: 'provider_name',
    expected: `nothing, ${provider.capabilities.id} or ${expected} (Atelier keeps one entry per provider, under its own names)`,
    received: describeReceived(name),
  });
}

/** The provider must serve the service: an entry for a service it has no model for could never be used. */
function checkServed(provider: ProviderDefinition, service: ServiceName): void {
  const served = servicesOf(provider.capabilities);
  if (served.includes(service)) return;
  throw new GatewayError('parameter_invalid', { parameter: 'service_name', expected: `a service ${provider.capabilities.id} serves (${served.join(', ')})`, received: describeReceived(service) });
}

/**
 * A `url`, when given, must be the endpoint Atelier calls for one of `services` (what `aog install` sends): storing
 * another would claim a routing Atelier does not do. Another endpoint is set with `base_url` in `auth_key`.
 */
function checkUrl(body: Record<string, unknown>, provider: ProviderDefinition, services: readonly ServiceName[]): void {
  const url = optionalString(body, 'url');
  const endpoints = services.map((service) => aogEndpointUrl(provider.capabilities.id, service)).filter((endpoint) => endpoint !== '');
  if (url === undefined || endpoints.includes(url)) return;
  throw new GatewayError('parameter_invalid', {
    parameter: 'url',
    expected: `nothing or ${endpoints.join(' or ')}, the endpoint Atelier calls (to call another endpoint, give base_url in auth_key next to the key)`,
    received: describeReceived(url),
  });
}

/**
 * `desc`: a string of at most `maxDescriptionLength` characters; absent, `null` or `""` is none. The one rule for
 * `POST`/`PUT /aog/v0.2/service_provider` and a `.aog` import.
 *
 * @throws GatewayError `parameter_invalid` naming `desc`
 */
export function readDescription(body: Record<string, unknown>): string | undefined {
  const description = optionalString(body, 'desc');
  if (description !== undefined && !fitsCharacterLimit(description, maxDescriptionLength)) {
    throw new GatewayError('parameter_invalid', { parameter: 'desc', expected: `a string of ${atMostCharacters(maxDescriptionLength)}`, received: `a string of ${characterLength(description)} characters` });
  }
  return description;
}

/** A string field; absent, `null` or `""` is undefined, anything but a string is refused. */
function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = Object.hasOwn(body, name) ? body[name] : undefined;
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'string') throw new GatewayError('parameter_invalid', { parameter: name, expected: 'a string', received: describeReceived(value) });
  return value;
}

function cloudProviderIds(definitions: readonly ProviderDefinition[]): string {
  return definitions.filter((definition) => definition.capabilities.kind === 'cloud').map((definition) => definition.capabilities.id).join(', ');
}
