import type { ModelCapabilities, ProviderCapabilities } from './spec/capabilities.ts';
import type { ServiceName } from './spec/generation-call.ts';
import type { ProviderDefinition, ProviderDependencies, ProviderSettingsSource } from './spec/provider-definition.ts';
import type { ProviderModel } from './spec/provider-model.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { registerSecret } from '../logging/logger.ts';

/** A model name a client may send, resolved to the provider that serves it. */
export interface ModelMatch {
  provider: ProviderDefinition;
  model: ModelCapabilities;
  /** True when the client used an alias (e.g. `wanx2.1-i2i-turbo`). */
  viaAlias: boolean;
}

/**
 * The providers of this Atelier with their settings read once: which are configured, which models they serve, and
 * ready-to-call model instances. Settings are re-read only by `reload` (after `atelier install` or the AOG
 * control plane changed the config file).
 */
export class ProviderCatalog {
  private settings = new Map<string, unknown>();
  private models = new Map<string, ProviderModel>();
  private unavailableReasons = new Map<string, string>();

  constructor(
    readonly definitions: readonly ProviderDefinition[],
    source: ProviderSettingsSource,
    private readonly dependencies: ProviderDependencies,
  ) {
    this.reload(source);
  }

  /**
   * Replaces every provider's settings with those read from `source`. All or nothing: when one provider's settings
   * are invalid it throws and the catalogue keeps the settings (and models) it had.
   *
   * @throws GatewayError `parameter_invalid` from the first provider whose settings are invalid
   */
  reload(source: ProviderSettingsSource): void {
    // Everything is read before anything changes, so a provider that throws leaves the catalogue as it was.
    const settingsById = new Map<string, unknown>();
    const unavailableReasons = new Map<string, string>();
    for (const definition of this.definitions) {
      const settings = definition.readSettings(source);
      if (settings !== undefined) {
        settingsById.set(definition.capabilities.id, settings);
        continue;
      }
      const reason = definition.unavailableReason?.(source);
      if (reason !== undefined) unavailableReasons.set(definition.capabilities.id, reason);
    }
    this.settings = settingsById;
    this.models = new Map();
    this.unavailableReasons = unavailableReasons;
    for (const [provider, reason] of unavailableReasons) this.dependencies.logger.warn('provider not used', { provider, reason });
    for (const definition of this.definitions) {
      const settings = settingsById.get(definition.capabilities.id);
      if (settings !== undefined) for (const secret of definition.secretsOf(settings)) registerSecret(secret);
    }
  }

  /**
   * Takes a provider out of use after it answered that its endpoint is retired (StepFun's image endpoints, a Tencent
   * `ActionOffline`): routing then falls back to another provider or the embedded engine, as for an unconfigured
   * one, and `GET /v1/providers` shows `reason`. Until the next start or `reload` (a configuration change).
   */
  providerRetired(providerId: string, reason: string): void {
    if (!this.settings.delete(providerId)) return;
    for (const key of [...this.models.keys()]) if (key.startsWith(`${providerId}/`)) this.models.delete(key);
    this.unavailableReasons.set(providerId, reason);
    this.dependencies.logger.warn('provider not used', { provider: providerId, reason });
  }

  isConfigured(providerId: string): boolean {
    return this.settings.has(providerId);
  }

  /** Jobs in flight at once for a provider when `ATELIER_CONCURRENCY` names none: its settings' or its declared default. */
  defaultConcurrency(providerId: string): number | undefined {
    const definition = this.findProvider(providerId);
    if (!definition) return undefined;
    const settings = this.settings.get(definition.capabilities.id);
    return (settings === undefined ? undefined : definition.concurrencyFor?.(settings)) ?? definition.capabilities.defaultConcurrency;
  }

  /** Why a provider with credentials is not used (see `ProviderDefinition.unavailableReason`). */
  unavailableReason(providerId: string): string | undefined {
    return this.unavailableReasons.get(providerId);
  }

  /** Finds a provider by id or alias (case-insensitive), e.g. `aliyun`, `dashscope`, `remote_aliyun_image-to-image`. */
  findProvider(name: string): ProviderDefinition | undefined {
    return findProviderNamed(this.definitions, name);
  }

  /** Every provider that serves `modelName` (canonical id or alias) for `service`. */
  findModel(service: ServiceName, modelName: string): ModelMatch[] {
    const matches: ModelMatch[] = [];
    for (const provider of this.definitions) {
      for (const model of provider.capabilities.models) {
        if (model.service !== service) continue;
        if (model.id === modelName) matches.push({ provider, model, viaAlias: false });
        else if (model.aliases?.includes(modelName)) matches.push({ provider, model, viaAlias: true });
      }
    }
    return matches;
  }

  /** Model names (canonical and aliases) known for a service, for error messages and listings. */
  knownModelNames(service: ServiceName): string[] {
    return this.definitions.flatMap((provider) =>
      provider.capabilities.models.filter((model) => model.service === service).flatMap((model) => [model.id, ...(model.aliases ?? [])]),
    );
  }

  /** A callable model; created once per provider and model, and only for configured providers. */
  modelFor(providerId: string, modelId: string): ProviderModel {
    const key = `${providerId}/${modelId}`;
    let model = this.models.get(key);
    if (!model) {
      const definition = this.findProvider(providerId);
      if (!definition || !this.settings.has(definition.capabilities.id)) {
        const unavailable = definition && this.unavailableReasons.get(definition.capabilities.id);
        // A task queued before its provider retired its endpoint learns why it cannot run.
        if (unavailable) throw new GatewayError('provider_not_configured', { reason: `${definition.capabilities.displayName} is not used: ${unavailable}` });
        throw new Error(`provider ${providerId} is not configured`);
      }
      model = definition.createModel(modelId, this.settings.get(definition.capabilities.id), this.dependencies);
      this.models.set(key, model);
    }
    return model;
  }

  /** Every configured secret (for the leak test and log redaction). */
  secrets(): string[] {
    return this.definitions.flatMap((definition) => {
      const settings = this.settings.get(definition.capabilities.id);
      return settings === undefined ? [] : definition.secretsOf(settings);
    });
  }
}

/**
 * The provider `name` means: its id or one of its aliases, case-insensitive (`dashscope` → aliyun). One rule for
 * routing (`remote_service_provider`), the control plane and `ATELIER_CONCURRENCY`.
 */
export function findProviderNamed<Provider extends { readonly capabilities: Pick<ProviderCapabilities, 'id' | 'aliases'> }>(
  providers: readonly Provider[], name: string,
): Provider | undefined {
  const wanted = name.toLowerCase();
  return providers.find(({ capabilities }) => capabilities.id === wanted || capabilities.aliases.some((alias) => alias.toLowerCase() === wanted));
}
