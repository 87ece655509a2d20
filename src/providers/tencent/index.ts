import { requireModel } from '../shared/find-model.ts';
import type { ProviderDefinition } from '../spec/provider-definition.ts';
import { tencentCapabilities, tencentImageToImage } from './tencent-capabilities.ts';
import { TencentImageEditModel } from './tencent-image-edit-model.ts';
import { readTencentSettings, tencentSecrets, type TencentSettings } from './tencent-settings.ts';

export type { TencentSettings } from './tencent-settings.ts';
export { tencentCapabilities } from './tencent-capabilities.ts';

/**
 * Tencent Cloud aiart (provider id `tencent`, alias `remote_tencent_image-to-image`): synchronous `ImageToImage`
 * signed with TC3-HMAC-SHA256, 3 jobs per account at once.
 */
export const tencentProvider: ProviderDefinition<TencentSettings> = {
  capabilities: tencentCapabilities,
  readSettings: readTencentSettings,
  secretsOf: tencentSecrets,
  createModel(modelId, settings, dependencies) {
    return new TencentImageEditModel(requireModel([tencentImageToImage], modelId, 'Tencent Cloud aiart'), settings, dependencies);
  },
};
