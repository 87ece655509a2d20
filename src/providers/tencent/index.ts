import { GatewayError } from '../../errors/gateway-error.ts';
import type { ProviderDefinition } from '../spec/provider-definition.ts';
import { findTencentModel, tencentCapabilities } from './tencent-capabilities.ts';
import { TencentImageEditModel } from './tencent-image-edit-model.ts';
import { readTencentSettings, type TencentSettings } from './tencent-settings.ts';

export type { TencentSettings } from './tencent-settings.ts';
export { tencentCapabilities } from './tencent-capabilities.ts';

/**
 * Tencent Cloud aiart (provider id `tencent`, alias `remote_tencent_image-to-image`): synchronous `ImageToImage`
 * signed with TC3-HMAC-SHA256, 3 jobs per account at once.
 */
export const tencentProvider: ProviderDefinition<TencentSettings> = {
  capabilities: tencentCapabilities,
  readSettings: readTencentSettings,
  // The SecretId is not a secret to Tencent (it travels in every Authorization header) but it names the account:
  // keep it out of logs and responses too.
  secretsOf: (settings) => [settings.secretKey, settings.secretId],
  createModel(modelId, settings, dependencies) {
    const model = findTencentModel(modelId);
    if (model === undefined) {
      throw new GatewayError('model_not_found', {
        model: modelId, service: 'Tencent Cloud aiart', known: tencentCapabilities.models.map((known) => known.id).join(', '),
      });
    }
    return new TencentImageEditModel(model, settings, dependencies);
  },
};
