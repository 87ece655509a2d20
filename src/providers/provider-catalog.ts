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
  /** The environment variables as last read (they do not change while Atelier runs), for `settingsWith`. */
  private environment: ProviderSettingsSource['env'] = {};
  /** Reasons by `provider/model` for models whose provider answered that they are retired (`modelRetired`). */
  private retiredModels = new Map<string, string>();

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
    this.environment = source.env;
    this.models = new Map();
    this.unavailableReasons = unavailableReasons;
    this.retiredModels = new Map();
    for (const [provider, reason] of unavailableReasons) this.dependencies.logger.warn('provider not used', { provider, reason });
    for (const definition of this.definitions) {
      const settings = settingsById.get(definition.capabilities.id);
      if (settings !== undefined) for (const secret of definition.secretsOf(settings)) registerSecret(secret);
    }
  }

  /**
   * Takes a model out of use after its provider answered that the endpoint is retired (StepFun's image endpoints, a
   * Tencent `ActionOffline`, a DashScope model gone from the region): routing then falls back to another provider or
   * the embedded engine for it, as for an unconfigured provider, and `GET /v1/models` shows `reason`. Only the model:
   * the provider's other models may still work; once every model of a provider is retired the provider is out of
   * use too (`GET /v1/providers` shows the reason). Until the next start or `reload` (a configuration change).
   */
  modelRetired(providerId: string, modelId: string, reason: string): void {
    const key = `${providerId}/${modelId}`;
    if (!this.settings.has(providerId) || this.retiredModels.has(key)) return;
    this.retiredModels.set(key, reason);
    this.models.delete(key);
    this.dependencies.logger.warn('model not used', { provider: providerId, model: modelId, reason });
  }

  /**
   * Whether the provider's settings configure it, whether or not its models have since answered "retired": what the
   * control plane changes (a provider out of use is still the one config.json stores).
   */
  hasSettings(providerId: string): boolean {
    return this.settings.has(providerId);
  }

  /** Whether the provider has settings and at least one model that is not retired. */
  isConfigured(providerId: string): boolean {
    return this.settings.has(providerId) && this.retiredReasonOfEveryModel(providerId) === undefined;
  }

  /**
   * The provider's settings as a reload would read them with `file` as config.json's `providers` and the environment
   * variables as last read (they do not change while Atelier runs); undefined when they do not configure it. For a
   * change decided under the config file's lock, where config.json may no longer be what the catalogue read. Both
   * together, not each alone: Tencent's SecretId may come from the environment and its SecretKey from config.json,
   * StepFun's key from config.json and `STEPFUN_IGNORE_RETIREMENT` from the environment.
   *
   * @throws GatewayError `parameter_invalid` when they are invalid together (a reload, or the next start, would stop)
   */
  settingsWith(providerId: string, file: ProviderSettingsSource['file']): unknown {
    return this.definitions.find((definition) => definition.capabilities.id === providerId)?.readSettings({ env: this.environment, file });
  }

  /** Whether `modelId` of `providerId` can be called: its provider is configured and the model was not retired. */
  isServing(providerId: string, modelId: string): boolean {
    return this.isConfigured(providerId) && !this.retiredModels.has(`${providerId}/${modelId}`);
  }

  /** Why a model of a configured provider is not used (it was retired), else why its provider is not. */
  modelUnavailableReason(providerId: string, modelId: string): string | undefined {
    return this.retiredModels.get(`${providerId}/${modelId}`) ?? this.unavailableReason(providerId);
  }

  /** Jobs in flight at once for a provider when `ATELIER_CONCURRENCY` names none: its settings' or its declared default. */
  defaultConcurrency(providerId: string): number | undefined {
    const definition = this.findProvider(providerId);
    if (!definition) return undefined;
    const settings = this.settings.get(definition.capabilities.id);
    return (settings === undefined ? undefined : definition.concurrencyFor?.(settings)) ?? definition.capabilities.defaultConcurrency;
  }

  /** Why a provider with credentials is not used (see `ProviderDefinition.unavailableReason`, `modelRetired`). */
  unavailableReason(providerId: string): string | undefined {
    return this.unavailableReasons.get(providerId) ?? (this.settings.has(providerId) ? this.retiredReasonOfEveryModel(providerId) : undefined);
  }

  /** The reason the provider's first model was retired, when every one of its models was; else undefined. */
  private retiredReasonOfEveryModel(providerId: string): string | undefined {
    if (this.retiredModels.size === 0) return undefined;
    const models = this.findProvider(providerId)?.capabilities.models ?? [];
    const reasons = models.map((model) => this.retiredModels.get(`${providerId}/${model.id}`));
    return models.length > 0 && reasons.every((reason) => reason !== undefined) ? reasons[0] : undefined;
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
        if (unavailable) throw new GatewayError('provider_not_configured', { reason: `${definition.capabilities.displayName} is not used: ${unavailable}` });
        throw new Error(`provider ${providerId} is not configured`);
      }
      const retired = this.retiredModels.get(`${definition.capabilities.id}/${modelId}`);
      // A task queued before its model was retired learns why it cannot run (and moves on to its fallback, if any).
      if (retired) throw new GatewayError('provider_not_configured', { reason: `${definition.capabilities.displayName} ${modelId} is not used: ${retired}` });
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
