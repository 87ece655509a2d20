import type { AppContext } from '../server/create-context.ts';
import { aogProviderName, aogServiceSource, servicesOf } from './aog-provider-names.ts';

/** The filters of `GET /aog/v0.2/service_provider` and its `/detail`, as AOG names them. */
export const serviceProviderFilterNames = ['service_name', 'service_source', 'provider_name', 'api_flavor'] as const;
export type ServiceProviderFilters = Partial<Record<(typeof serviceProviderFilterNames)[number], string>>;

/**
 * One AOG `ServiceProvider` entry per configured provider and service it serves, never with its key (aog-compat §9).
 * `desc` is the stored description, else the provider's display name. Atelier stores no install time, so the
 * timestamps are null (AOG's zero time).
 */
function serviceProviderEntries(context: AppContext) {
  return context.catalog.definitions
    .filter((definition) => context.catalog.isConfigured(definition.capabilities.id))
    .flatMap(({ capabilities }) => servicesOf(capabilities).map((service) => ({
      provider_name: aogProviderName(capabilities, service),
      service_name: service,
      service_source: aogServiceSource(capabilities),
      desc: context.providerDescription(capabilities.id) ?? capabilities.displayName,
      auth_type: capabilities.kind === 'cloud' ? (capabilities.id === 'tencent' ? 'token' : 'apikey') : 'none',
      flavor: capabilities.id,
      properties: '{}',
      models: capabilities.models.filter((model) => model.service === service).map((model) => model.id),
      status: 1,
      created_at: null,
      updated_at: null,
    })));
}

export type ServiceProviderEntry = ReturnType<typeof serviceProviderEntries>[number];

/**
 * The entries the filters match, as AOG filters them: by exact match, `api_flavor` compared with `flavor`, in
 * catalogue order (the embedded engine first, then the cloud providers in registry order). The listing answers them
 * all, `/detail` the first.
 */
export function matchingServiceProviders(context: AppContext, filters: ServiceProviderFilters): ServiceProviderEntry[] {
  return serviceProviderEntries(context).filter((entry) => (filters.service_name === undefined || entry.service_name === filters.service_name)
    && (filters.service_source === undefined || entry.service_source === filters.service_source)
    && (filters.provider_name === undefined || entry.provider_name === filters.provider_name)
    && (filters.api_flavor === undefined || entry.flavor === filters.api_flavor));
}
