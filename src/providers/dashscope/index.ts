import { requireModel } from '../shared/find-model.ts';
import type { ProviderDefinition } from '../spec/provider-definition.ts';
import { dashscopeCapabilities, dashscopeModels } from './dashscope-capabilities.ts';
import { DashScopeImageEditModel } from './dashscope-image-edit-model.ts';
import { readDashScopeSettings, type DashScopeSettings } from './dashscope-settings.ts';
import { DashScopeVideoModel } from './dashscope-video-model.ts';

export type { DashScopeSettings } from './dashscope-settings.ts';
export { dashscopeCapabilities, findDashScopeModel } from './dashscope-capabilities.ts';

/**
 * Alibaba Cloud DashScope (provider id `aliyun`, aliases `dashscope`, `remote_aliyun_image-to-image`,
 * `remote_aliyun_image-to-video`): submit-and-poll image editing and image-to-video.
 */
export const dashscopeProvider: ProviderDefinition<DashScopeSettings> = {
  capabilities: dashscopeCapabilities,
  readSettings: readDashScopeSettings,
  secretsOf: (settings) => [settings.apiKey],
  createModel(modelId, settings, dependencies) {
    const model = requireModel(dashscopeModels, modelId, 'DashScope');
    return model.family === 'image-to-video'
      ? new DashScopeVideoModel(model, settings, dependencies)
      : new DashScopeImageEditModel(model, settings, dependencies);
  },
};
