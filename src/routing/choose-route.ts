import { GatewayError } from '../errors/gateway-error.ts';
import type { ProviderCatalog } from '../providers/provider-catalog.ts';
import type { ServiceName } from '../providers/spec/generation-call.ts';
import type { Warning } from '../providers/spec/warning.ts';
import { resolveFallbacks, type RouteTarget } from './fallback-chain.ts';
import type { HybridPolicy } from './hybrid-policy.ts';

/** Embedded-engine model per service. */
export const localModelByService: Readonly<Record<ServiceName, string>> = {
  'image-to-image': 'atelier-image',
  'image-to-video': 'atelier-video',
};

export interface RouteRequest {
  service: ServiceName;
  model?: string;
  hybridPolicy: HybridPolicy;
  /** A provider name (id or alias), already checked to be a string. */
  remoteServiceProvider?: string;
  /**
   * Providers to try after the chosen one fails with a retryable error, as the client wrote them (`"tencent"`,
   * `"aliyun:wanx2.1-imageedit"`). Undefined = the service's configured default; `[]` = none.
   */
  fallbacks?: readonly string[];
  /** The service's default fallbacks (`services.<service>.fallbacks` in config.json). */
  defaultFallbacks?: readonly string[];
}

export interface ChosenRoute extends RouteTarget {
  warnings: Warning[];
  /** The fallback chain after the chosen provider, in order (possibly empty). */
  fallbacks: RouteTarget[];
}

/**
 * Picks the provider and model for a request (see `choosePrimaryRoute`), then resolves the fallback chain: the
 * request's own `fallbacks`, else the service's configured default (see `resolveFallbacks`).
 */
export function chooseRoute(request: RouteRequest, catalog: ProviderCatalog): ChosenRoute {
  const primary = choosePrimaryRoute(request, catalog);
  const fromRequest = request.fallbacks !== undefined;
  const chain = resolveFallbacks({
    service: request.service,
    model: request.model,
    hybridPolicy: request.hybridPolicy,
    entries: (fromRequest ? request.fallbacks : request.defaultFallbacks) ?? [],
    source: fromRequest ? 'request' : 'config',
  }, primary, catalog);
  return { ...primary, warnings: [...primary.warnings, ...chain.warnings], fallbacks: chain.fallbacks };
}

/**
 * Picks the provider and model for a request (AOG §8 made real):
 * - `always_local`: the embedded engine, whatever model was named (a cloud model gets a warning);
 * - `always_remote`: a configured cloud provider serving the model, else `provider_not_configured`;
 * - `default`: the model's configured provider, else the embedded engine with a warning; no model at all means
 *   the embedded engine.
 * `remote_service_provider` narrows the cloud candidates to one provider.
 */
function choosePrimaryRoute(request: RouteRequest, catalog: ProviderCatalog): RouteTarget & { warnings: Warning[] } {
  const { service, hybridPolicy } = request;
  const local: RouteTarget & { warnings: Warning[] } = { providerId: 'local', modelId: localModelByService[service], warnings: [] };
  const wantedProvider = request.remoteServiceProvider === undefined ? undefined : catalog.findProvider(request.remoteServiceProvider);
  if (request.remoteServiceProvider !== undefined && !wantedProvider) {
    throw new GatewayError('provider_not_found', { provider: request.remoteServiceProvider, known: catalog.definitions.map((definition) => definition.capabilities.id).join(', ') });
  }
  if (wantedProvider?.capabilities.kind === 'local' && hybridPolicy !== 'always_remote') return local;
  // No model and no provider named: the embedded engine, unless the caller insists on the cloud.
  if (request.model === undefined && !wantedProvider && hybridPolicy !== 'always_remote') return local;

  const cloudCandidates = (request.model === undefined ? defaultCloudModels(service, catalog) : catalog.findModel(service, request.model))
    .filter((match) => match.provider.capabilities.kind === 'cloud')
    .filter((match) => !wantedProvider || match.provider === wantedProvider);

  if (request.model !== undefined) {
    const all = catalog.findModel(service, request.model);
    if (all.length === 0) {
      throw new GatewayError('model_not_found', { model: request.model, service, known: catalog.knownModelNames(service).join(', ') });
    }
    if (all.some((match) => match.provider.capabilities.kind === 'local')) {
      if (hybridPolicy === 'always_remote') {
        throw new GatewayError('provider_cannot_serve', { provider: 'hybrid_policy always_remote', reason: `${request.model} is the embedded engine's model, which is local` });
      }
      return local;
    }
  }

  const configured = cloudCandidates.find((match) => catalog.isServing(match.provider.capabilities.id, match.model.id));
  if (hybridPolicy !== 'always_local' && configured) {
    return { providerId: configured.provider.capabilities.id, modelId: configured.model.id, warnings: [] };
  }
  if (hybridPolicy === 'always_remote') {
    const names = [...new Set(cloudCandidates.map((match) => match.provider.capabilities.displayName))];
    const hint = cloudCandidates.flatMap((match) => match.provider.capabilities.environment.slice(0, 1));
    const reason = names.length > 0
      ? `hybrid_policy is always_remote and ${request.model ?? `an ${service} model`} is served by ${names.join(' or ')}, ${names.length > 1 ? 'none of which is' : 'which is not'} configured (set ${[...new Set(hint)].join(' or ')})`
      : `hybrid_policy is always_remote and no configured cloud provider serves ${request.model ?? service}`;
    throw new GatewayError('provider_not_configured', { reason });
  }
  if (request.model !== undefined) {
    const retired = firstRetirement(cloudCandidates.map((match) => ({ providerId: match.provider.capabilities.id, modelId: match.model.id })), catalog);
    const why = hybridPolicy === 'always_local' ? 'hybrid_policy is always_local'
      : retired !== undefined ? `it is not used: ${retired}` : 'no cloud provider for it is configured';
    local.warnings.push({
      type: 'substituted',
      feature: 'model',
      details: `${request.model} is a cloud model; it was served by Atelier's embedded engine (${local.modelId}) because ${why}`,
    });
  } else if (wantedProvider !== undefined) {
    // The caller named a cloud provider: serving it locally without a word would pass off the embedded engine's
    // result as that provider's.
    const { id, displayName, environment } = wantedProvider.capabilities;
    const why = whyNamedProviderUnused(id, environment[0], service, hybridPolicy, catalog);
    local.warnings.push({
      type: 'substituted',
      feature: 'remote_service_provider',
      details: `${displayName} was named, but Atelier's embedded engine (${local.modelId}) served the request because ${why}`,
    });
  }
  return local;
}

/**
 * Why a named cloud provider did not serve. "Not configured" only when it has no settings: a configured provider may
 * not serve the service, and one with credentials may be out of use (a retired endpoint); naming the variable to set
 * would send the user after a key that is already there.
 */
function whyNamedProviderUnused(providerId: string, keyVariable: string | undefined, service: ServiceName, hybridPolicy: HybridPolicy, catalog: ProviderCatalog): string {
  if (hybridPolicy === 'always_local') return 'hybrid_policy is always_local';
  if (catalog.isConfigured(providerId)) {
    // Configured, yet not chosen: its models for the service were retired, or it has none.
    const models = catalog.findProvider(providerId)?.capabilities.models.filter((model) => model.service === service) ?? [];
    const retired = firstRetirement(models.map((model) => ({ providerId, modelId: model.id })), catalog);
    return retired !== undefined ? `it is not used: ${retired}` : `it does not serve ${service}`;
  }
  const unavailableReason = catalog.unavailableReason(providerId);
  if (unavailableReason !== undefined) return `it is not used: ${unavailableReason}`;
  return keyVariable === undefined ? 'it is not configured' : `it is not configured (set ${keyVariable})`;
}

/** The first "out of use" reason among these models (a retired endpoint), or undefined when none has one. */
function firstRetirement(models: ReadonlyArray<{ providerId: string; modelId: string }>, catalog: ProviderCatalog): string | undefined {
  return models.map(({ providerId, modelId }) => catalog.modelUnavailableReason(providerId, modelId)).find((reason) => reason !== undefined);
}

/** When no model is named: each cloud provider's first model for the service (its default). */
function defaultCloudModels(service: ServiceName, catalog: ProviderCatalog) {
  return catalog.definitions.flatMap((provider) => {
    const model = provider.capabilities.models.find((candidate) => candidate.service === service);
    return model ? [{ provider, model, viaAlias: false }] : [];
  });
}
