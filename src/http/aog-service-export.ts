import { aogEndpointUrl } from '../providers/aog-endpoint-urls.ts';
import { isModelNamed } from '../providers/shared/find-model.ts';
import type { ServiceName } from '../providers/spec/generation-call.ts';
import type { AppContext } from '../server/create-context.ts';
import { matchingServiceProviders, type ServiceProviderEntry } from './aog-service-provider-entries.ts';
import { checkService } from './aog-service-provider-requests.ts';
import { serviceNames } from './schemas/task-schemas.ts';

/** The version a `.aog` file is written with: the AOG version Atelier emulates (`GET /version`). */
export const aogFileVersion = 'v0.7';

/** The filters of `POST /aog/v0.2/service/export`, as AOG names them. */
export const exportFilterNames = ['service_name', 'provider_name', 'model_name'] as const;
export type ExportFilters = Partial<Record<(typeof exportFilterNames)[number], string>>;

/** `services.<name>` of a `.aog` file. */
export interface AogServiceEntry {
  service_providers: { local: string; remote: string };
  hybrid_policy: string;
}

/** `service_providers.<provider_name>` of a `.aog` file; `auth_key` is always `""` in an export. */
export interface AogProviderEntry {
  service_name: string;
  service_source: string;
  desc: string;
  api_flavor: string;
  method: string;
  url: string;
  auth_type: string;
  auth_key: string;
  models: string[];
}

export interface AogFile {
  version: string;
  services: Record<string, AogServiceEntry>;
  service_providers: Record<string, AogProviderEntry>;
}

/**
 * What this Atelier has, as a `.aog` file (aog-compat §10): every configured provider once per service it serves,
 * named as `GET /aog/v0.2/service_provider` lists it, and each service's stored hybrid policy. Never a key: `auth_key`
 * is `""` (AOG's export omits it too; the user enters the key again where the file is imported).
 *
 * Filters, by exact match: `service_name` keeps one service (one Atelier does not serve is 404, as on
 * `GET /aog/v0.2/service`); `provider_name` keeps the entry of that AOG name; `model_name` (canonical or alias) keeps
 * the entries serving that model, with `models` narrowed to it. With a provider or model filter, `services` keeps only
 * the services of the entries kept. Nothing matching gives empty maps.
 *
 * @throws GatewayError `service_not_found`
 */
export function exportAogFile(context: AppContext, filters: ExportFilters): AogFile {
  if (filters.service_name !== undefined) checkService(filters.service_name);
  const kept = matchingServiceProviders(context, { service_name: filters.service_name, provider_name: filters.provider_name })
    .map((entry) => ({ entry, models: modelsMatching(context, entry, filters.model_name) }))
    .filter(({ models }) => models.length > 0);
  const narrowed = filters.provider_name !== undefined || filters.model_name !== undefined;
  const services = serviceNames.filter((service) => (filters.service_name === undefined || service === filters.service_name)
    && (!narrowed || kept.some(({ entry }) => entry.service_name === service)));
  return {
    version: aogFileVersion,
    services: Object.fromEntries(services.map((service) => [service, serviceEntry(context, service)])),
    service_providers: Object.fromEntries(kept.map(({ entry, models }) => [entry.provider_name, {
      service_name: entry.service_name,
      service_source: entry.service_source,
      desc: entry.desc,
      api_flavor: entry.flavor,
      method: 'POST',
      url: aogEndpointUrl(entry.flavor, entry.service_name),
      auth_type: entry.auth_type,
      auth_key: '',
      models,
    }])),
  };
}

/**
 * A service's entry: its stored policy, the embedded engine as its local provider and, as its remote one, the first
 * configured cloud provider serving it (the one `always_remote` tries first); `""` when none is configured.
 */
function serviceEntry(context: AppContext, service: ServiceName): AogServiceEntry {
  const first = (source: 'local' | 'remote') => matchingServiceProviders(context, { service_name: service, service_source: source })[0]?.provider_name ?? '';
  return { service_providers: { local: first('local'), remote: first('remote') }, hybrid_policy: context.defaultPolicy(service) };
}

/** The entry's models, or only the one `modelName` names (by its canonical name or an alias), as its canonical name. */
function modelsMatching(context: AppContext, entry: ServiceProviderEntry, modelName: string | undefined): string[] {
  if (modelName === undefined) return entry.models;
  const models = context.catalog.findProvider(entry.flavor)?.capabilities.models ?? [];
  return models
    .filter((model) => model.service === entry.service_name && isModelNamed(model, modelName))
    .map((model) => model.id);
}
