import { GatewayError } from '../../errors/gateway-error.ts';
import type { ModelCapabilities } from '../spec/capabilities.ts';

/** Whether a client's `name` means this model: its canonical id or one of its aliases (exact, as sent upstream). */
export function isModelNamed(model: Pick<ModelCapabilities, 'id' | 'aliases'>, name: string): boolean {
  return model.id === name || (model.aliases?.includes(name) ?? false);
}

/**
 * The model a client named, by canonical id or alias, among a provider's declared models.
 *
 * @example findModel(dashscopeModels, 'wanx2.1-i2i-turbo')?.id // 'wanx2.1-imageedit'
 */
export function findModel<Model extends ModelCapabilities>(models: readonly Model[], modelId: string): Model | undefined {
  return models.find((model) => isModelNamed(model, modelId));
}

/**
 * `findModel` for a provider's `createModel`, which must not build an adapter for a model it does not declare.
 *
 * @param providerName Display name in the error, e.g. `StepFun`.
 * @throws GatewayError `model_not_found` listing the provider's canonical model ids.
 */
export function requireModel<Model extends ModelCapabilities>(models: readonly Model[], modelId: string, providerName: string): Model {
  const model = findModel(models, modelId);
  if (model === undefined) {
    throw new GatewayError('model_not_found', { model: modelId, service: providerName, known: models.map((known) => known.id).join(', ') });
  }
  return model;
}
