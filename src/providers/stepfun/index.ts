import { requireModel } from '../shared/find-model.ts';
import type { ProviderDefinition } from '../spec/provider-definition.ts';
import { stepfunCapabilities, stepfunModels } from './stepfun-capabilities.ts';
import { StepFunImageEditModel } from './stepfun-image-edit-model.ts';
import { readStepFunSettings, stepfunUnavailableReason, type StepFunSettings } from './stepfun-settings.ts';

export type { StepFunSettings } from './stepfun-settings.ts';
export { stepfunCapabilities } from './stepfun-capabilities.ts';

/**
 * StepFun (provider id `stepfun`): synchronous `image2image` with a Bearer key. StepFun retired its image
 * endpoints on 2026-10-10; after that date the provider counts as not configured for StepFun's own hosts unless
 * `STEPFUN_IGNORE_RETIREMENT=1`, and a retired answer becomes `upstream_endpoint_retired`.
 */
export const stepfunProvider: ProviderDefinition<StepFunSettings> = {
  capabilities: stepfunCapabilities,
  readSettings: (source) => readStepFunSettings(source),
  unavailableReason: (source) => stepfunUnavailableReason(source),
  secretsOf: (settings) => [settings.apiKey],
  createModel(modelId, settings, dependencies) {
    return new StepFunImageEditModel(requireModel(stepfunModels, modelId, 'StepFun'), settings, dependencies);
  },
};
