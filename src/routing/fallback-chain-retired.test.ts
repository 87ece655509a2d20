/**
 * A provider taken out of use at run time (it answered that its endpoint is retired) must not break every request
 * of a service whose configured default fallbacks name it: routing falls back past it, as the retirement promises.
 */
import { describe, expect, it } from 'vitest';
import { catalogWith } from '../../test/support/test-catalog.ts';
import { chooseRoute } from './choose-route.ts';

const dashscopeAndTencent = {
  DASHSCOPE_API_KEY: 'sk-fallback-review',
  TENCENTCLOUD_SECRET_ID: 'AKIDfallbackreview',
  TENCENTCLOUD_SECRET_KEY: 'fallback-review-secret-key',
};

describe('configured default fallbacks and a provider out of use', () => {
  it('leaves a retired provider out of the configured default instead of refusing every request', () => {
    const catalog = catalogWith(dashscopeAndTencent);
    catalog.modelRetired('tencent', 'aiart-image-to-image', 'Tencent Cloud aiart retired this endpoint (ActionOffline)');
    const chosen = chooseRoute({ service: 'image-to-image', hybridPolicy: 'default', model: 'wanx2.1-imageedit', defaultFallbacks: ['tencent', 'local'] }, catalog);
    expect(chosen).toMatchObject({ providerId: 'aliyun', modelId: 'wanx2.1-imageedit' });
    expect(chosen.fallbacks).toEqual([{ providerId: 'local', modelId: 'atelier-image' }]);
  });

  it("still refuses a retired provider the request's own fallbacks name, giving the reason", () => {
    const catalog = catalogWith(dashscopeAndTencent);
    catalog.modelRetired('tencent', 'aiart-image-to-image', 'Tencent Cloud aiart retired this endpoint (ActionOffline)');
    expect(() => chooseRoute({ service: 'image-to-image', hybridPolicy: 'default', model: 'wanx2.1-imageedit', fallbacks: ['tencent'] }, catalog))
      .toThrow(expect.objectContaining({ code: 'provider_not_configured', message: expect.stringContaining('ActionOffline') }));
  });
});
