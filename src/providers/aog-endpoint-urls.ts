import { defaultDashScopeBaseUrl } from './dashscope/dashscope-settings.ts';
import { defaultOpenAiBaseUrl } from './openai/openai-settings.ts';
import type { ServiceName } from './spec/generation-call.ts';
import { defaultStepFunBaseUrl } from './stepfun/stepfun-settings.ts';
import { defaultTencentEndpoint } from './tencent/tencent-settings.ts';

/**
 * The `url` of a provider entry in a `.aog` file (aog-compat §10): the public endpoint the provider's default model for
 * the service is called at, as AOG's templates give it (DashScope's image2image URL is the one `aog install` sends).
 * A `base_url` stored with a key is not part of it: it is bound to the key's region and goes back in with the key,
 * in `auth_key`. The embedded engine has no endpoint: `""`.
 */
const endpointUrls: Readonly<Record<string, Partial<Record<ServiceName, string>>>> = {
  aliyun: {
    'image-to-image': `${defaultDashScopeBaseUrl}/services/aigc/image2image/image-synthesis`,
    'image-to-video': `${defaultDashScopeBaseUrl}/services/aigc/video-generation/video-synthesis`,
  },
  tencent: { 'image-to-image': defaultTencentEndpoint },
  stepfun: { 'image-to-image': `${defaultStepFunBaseUrl}/images/image2image` },
  openai: { 'image-to-image': `${defaultOpenAiBaseUrl}/images/edits` },
};

/** The endpoint URL of `providerId` for `service` as a `.aog` file gives it; `""` when it has none. */
export function aogEndpointUrl(providerId: string, service: ServiceName): string {
  return (Object.hasOwn(endpointUrls, providerId) ? endpointUrls[providerId]![service] : undefined) ?? '';
}
