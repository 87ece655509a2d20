import { findProviderNamed } from '../providers/provider-catalog.ts';
import type { ProviderCapabilities } from '../providers/spec/capabilities.ts';
import type { ServiceName } from '../providers/spec/generation-call.ts';
import type { ProviderDefinition } from '../providers/spec/provider-definition.ts';
import { serviceNames } from './schemas/task-schemas.ts';

/** AOG's `service_source` of a provider: cloud providers are `remote`, the embedded engine `local`. */
export function aogServiceSource(capabilities: Pick<ProviderCapabilities, 'kind'>): 'remote' | 'local' {
  return capabilities.kind === 'cloud' ? 'remote' : 'local';
}

/**
 * The name AOG gives a provider of one service, `<source>_<flavor>_<service>` (what `aog install` sends as
 * `provider_name`, e.g. `remote_aliyun_image-to-image`). AOG keeps one provider row per service; Atelier keeps one
 * set of settings per provider, so both names of a provider serving two services lead to the same settings.
 */
export function aogProviderName(capabilities: Pick<ProviderCapabilities, 'kind' | 'id'>, service: ServiceName): string {
  // The embedded engine's flavor is `atelier`: `local_atelier_<service>` is also one of its aliases, so the name
  // listed here is one `remote_service_provider` accepts.
  const flavor = capabilities.kind === 'local' ? 'atelier' : capabilities.id;
  return `${aogServiceSource(capabilities)}_${flavor}_${service}`;
}

/** The services a provider has at least one model for, in `serviceNames` order. */
export function servicesOf(capabilities: Pick<ProviderCapabilities, 'models'>): ServiceName[] {
  return serviceNames.filter((service) => capabilities.models.some((model) => model.service === service));
}

/**
 * The provider a control-plane `provider_name` means, and the service when the name is per service: first the names
 * the control plane itself lists (`aogProviderName`), then the
 * provider's id or alias as `remote_service_provider` accepts it (case-insensitive). An alias ending in `_<service>`
 * (`local_atelier_image-to-video`) names that service; a bare id or alias (`aliyun`, `dashscope`) names none.
 * Undefined when no provider has the name, including a per-service name for a service the provider does not serve.
 */
export function resolveAogProviderName<Provider extends ProviderDefinition>(
  providers: readonly Provider[], name: string,
): { provider: Provider; service?: ServiceName } | undefined {
  const wanted = name.toLowerCase();
  for (const provider of providers) {
    const service = servicesOf(provider.capabilities).find((candidate) => aogProviderName(provider.capabilities, candidate).toLowerCase() === wanted);
    if (service !== undefined) return { provider, service };
  }
  const provider = findProviderNamed(providers, name);
  if (provider === undefined) return undefined;
  return { provider, service: servicesOf(provider.capabilities).find((service) => wanted.endsWith(`_${service}`)) };
}
