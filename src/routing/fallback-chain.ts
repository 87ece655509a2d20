import { isModelNamed } from '../providers/shared/find-model.ts';
import { GatewayError, describeReceived } from '../errors/gateway-error.ts';
import type { ProviderCatalog } from '../providers/provider-catalog.ts';
import type { ModelCapabilities } from '../providers/spec/capabilities.ts';
import type { ServiceName } from '../providers/spec/generation-call.ts';
import type { Warning } from '../providers/spec/warning.ts';
import type { HybridPolicy } from './hybrid-policy.ts';

/** At most this many fallbacks per request or per service (Atelier has five providers). */
export const maxFallbacks = 5;

/** `"provider"` or `"provider:model"`: no spaces, the provider part without a colon. */
const fallbackEntryPattern = /^[^\s:]+(?::\S+)?$/;

/** How a fallback entry is written, for error messages and the API description. */
export const fallbackEntryFormat = 'a provider name or provider:model, e.g. "tencent" or "aliyun:wanx2.1-imageedit"';

/** A provider and model to run on: the one routing chose, or a fallback. */
export interface RouteTarget {
  providerId: string;
  modelId: string;
}

/** True when `entry` is written as `"provider"` or `"provider:model"`. */
export function isFallbackEntry(entry: unknown): entry is string {
  return typeof entry === 'string' && entry.length <= 200 && fallbackEntryPattern.test(entry);
}

/**
 * Splits `"provider:model"` at the first colon (provider names never hold one; a model id may).
 *
 * @throws GatewayError `parameter_invalid` when the entry is not written that way
 */
export function parseFallbackEntry(entry: unknown, parameter: string): { provider: string; model?: string } {
  if (!isFallbackEntry(entry)) throw new GatewayError('parameter_invalid', { parameter, expected: fallbackEntryFormat, received: describeReceived(entry) });
  const colon = entry.indexOf(':');
  return colon === -1 ? { provider: entry } : { provider: entry.slice(0, colon), model: entry.slice(colon + 1) };
}

export interface FallbackRequest {
  service: ServiceName;
  /** The model the client named: a fallback written without a model uses it when that provider serves it. */
  model?: string;
  hybridPolicy: HybridPolicy;
  entries: readonly string[];
  /**
   * `request`: the client's own list, checked strictly (a conflict with hybrid_policy is a 400).
   * `config`: the service's default from config.json, which applies to every request whatever its policy, so
   * entries the policy forbids are left out instead of failing the request.
   */
  source: 'request' | 'config';
}

/**
 * Resolves fallbacks into providers and models, after the route's own `primary`. Every entry must name a known
 * provider (`provider_not_found`), one that serves the service (`provider_cannot_serve`) and, for a cloud provider,
 * one that is configured (`provider_not_configured`; the configured default leaves out a provider or model that is
 * out of use, see `ProviderCatalog.modelUnavailableReason`); `local` always works. hybrid_policy `always_remote` forbids
 * `local`; `always_local` forbids any fallback (the embedded engine is the only provider it allows). An entry that
 * repeats an earlier provider and model is left out (with a warning when the client wrote it).
 */
export function resolveFallbacks(request: FallbackRequest, primary: RouteTarget, catalog: ProviderCatalog): { fallbacks: RouteTarget[]; warnings: Warning[] } {
  const { service, source } = request;
  const listName = source === 'request' ? 'fallbacks' : `services.${service}.fallbacks in config.json`;
  if (request.entries.length > maxFallbacks) {
    throw new GatewayError('parameter_invalid', { parameter: listName, expected: `at most ${maxFallbacks} providers`, received: describeReceived(request.entries) });
  }
  if (request.hybridPolicy === 'always_local') {
    if (source === 'request' && request.entries.length > 0) {
      throw new GatewayError('parameter_invalid', {
        parameter: 'fallbacks', expected: 'no fallbacks with hybrid_policy always_local (it allows the embedded engine only)', received: describeReceived(request.entries),
      });
    }
    return { fallbacks: [], warnings: [] };
  }
  const chain: RouteTarget[] = [primary];
  const warnings: Warning[] = [];
  request.entries.forEach((entry, index) => {
    const parameter = source === 'request' ? `fallbacks.${index}` : `services.${service}.fallbacks.${index} in config.json`;
    const target = resolveEntry(entry, parameter, request, catalog);
    if (!target) return;
    if (chain.some((earlier) => earlier.providerId === target.providerId && earlier.modelId === target.modelId)) {
      if (source === 'request') {
        warnings.push({ type: 'unsupported', feature: parameter, details: `${target.providerId} (${target.modelId}) is already earlier in the chain; the entry was skipped` });
      }
      return;
    }
    chain.push(target);
  });
  return { fallbacks: chain.slice(1), warnings };
}

/**
 * One entry → provider and model; undefined when a configured default is left out because of the policy or because
 * its provider is out of use.
 */
function resolveEntry(entry: string, parameter: string, request: FallbackRequest, catalog: ProviderCatalog): RouteTarget | undefined {
  const { service } = request;
  const wanted = parseFallbackEntry(entry, parameter);
  const provider = catalog.findProvider(wanted.provider);
  if (!provider) {
    throw new GatewayError('provider_not_found', { provider: `${wanted.provider} (${parameter})`, known: catalog.definitions.map((definition) => definition.capabilities.id).join(', ') });
  }
  const { id, kind } = provider.capabilities;
  const models = provider.capabilities.models.filter((model) => model.service === service);
  if (models.length === 0) throw new GatewayError('provider_cannot_serve', { provider: `${id} (${parameter})`, reason: `it has no ${service} model` });
  if (kind === 'local' && request.hybridPolicy === 'always_remote') {
    if (request.source === 'config') return undefined;
    throw new GatewayError('parameter_invalid', { parameter, expected: 'a cloud provider (hybrid_policy is always_remote)', received: describeReceived(entry) });
  }

  let model: ModelCapabilities | undefined;
  if (wanted.model !== undefined) {
    model = models.find((candidate) => isModelNamed(candidate, wanted.model!));
    if (!model) {
      const known = models.map((candidate) => candidate.id).join(', ');
      throw new GatewayError('provider_cannot_serve', { provider: `${id} (${parameter})`, reason: `${wanted.model} is not one of its ${service} models (${known})` });
    }
  } else {
    // The request's own model when this provider serves it too, else the provider's default for the service.
    model = (request.model === undefined ? undefined : models.find((candidate) => isModelNamed(candidate, request.model!))) ?? models[0];
  }

  if (kind === 'cloud' && !catalog.isServing(id, model.id)) {
    const unavailableReason = catalog.modelUnavailableReason(id, model.id);
    // A provider or model with credentials that is out of use (its endpoint is retired, perhaps since a moment ago)
    // is left out of the service's default like a forbidden entry: refusing would fail every request of the service.
    if (unavailableReason !== undefined && request.source === 'config') return undefined;
    const hint = provider.capabilities.environment[0];
    const why = unavailableReason ?? (hint ? `set ${hint}` : 'see docs/configuration.md');
    throw new GatewayError('provider_not_configured', { reason: `${parameter} names ${provider.capabilities.displayName}, which is not configured (${why})` });
  }
  return { providerId: id, modelId: model.id };
}

