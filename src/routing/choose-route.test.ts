import { describe, expect, it } from 'vitest';
import { catalogWith } from '../../test/support/test-catalog.ts';
import { chooseRoute, type RouteRequest } from './choose-route.ts';

const dashscopeAndTencent = {
  DASHSCOPE_API_KEY: 'sk-route-test',
  TENCENTCLOUD_SECRET_ID: 'AKIDroutetest',
  TENCENTCLOUD_SECRET_KEY: 'route-test-secret-key',
};

function route(request: Partial<RouteRequest>, catalog = catalogWith(dashscopeAndTencent)) {
  return chooseRoute({ service: 'image-to-image', hybridPolicy: 'default', ...request }, catalog);
}

/** The error `action` throws, for matching its code, status and message. */
function errorOf(action: () => unknown): Record<string, unknown> {
  try {
    action();
  } catch (error) {
    return { code: (error as { code: string }).code, status: (error as { status: number }).status, message: (error as Error).message };
  }
  throw new Error('expected an error');
}

describe('chooseRoute: the fallback chain', () => {
  it('has no fallbacks unless the request or the service configuration names some', () => {
    expect(route({ model: 'wanx2.1-i2i-turbo' })).toMatchObject({ providerId: 'aliyun', modelId: 'wanx2.1-imageedit', fallbacks: [] });
  });

  it('resolves provider names (ids, aliases, AOG names) after the chosen provider, each with a model', () => {
    const chosen = route({ model: 'wanx2.1-i2i-turbo', fallbacks: ['tencent', 'local'] });
    expect(chosen).toMatchObject({ providerId: 'aliyun', modelId: 'wanx2.1-imageedit' });
    expect(chosen.fallbacks).toEqual([
      { providerId: 'tencent', modelId: 'aiart-image-to-image' },
      { providerId: 'local', modelId: 'atelier-image' },
    ]);
    const viaAliases = route({ remoteServiceProvider: 'local', fallbacks: ['dashscope', 'remote_tencent_image-to-image'] });
    expect(viaAliases.providerId).toBe('local');
    expect(viaAliases.fallbacks.map((target) => target.providerId)).toEqual(['aliyun', 'tencent']);
  });

  it('uses the request\'s model for a fallback that serves it, "provider:model" when given, else the provider\'s default', () => {
    const sameModel = route({ model: 'wanx-x-painting', remoteServiceProvider: 'local', fallbacks: ['aliyun'] });
    expect(sameModel.fallbacks).toEqual([{ providerId: 'aliyun', modelId: 'wanx-x-painting' }]);
    const named = route({ remoteServiceProvider: 'local', fallbacks: ['aliyun:wanx2.1-i2i-turbo', 'aliyun:wanx-style-repaint-v1'] });
    expect(named.fallbacks).toEqual([{ providerId: 'aliyun', modelId: 'wanx2.1-imageedit' }, { providerId: 'aliyun', modelId: 'wanx-style-repaint-v1' }]);
    const byDefault = route({ model: 'aiart-image-to-image', fallbacks: ['aliyun'] });
    expect(byDefault).toMatchObject({ providerId: 'tencent', fallbacks: [{ providerId: 'aliyun', modelId: 'wanx2.1-imageedit' }] });
  });

  it('refuses unknown providers, providers that cannot serve the service or model, and malformed entries', () => {
    expect(errorOf(() => route({ fallbacks: ['local', 'acme'] }))).toEqual({
      code: 'provider_not_found', status: 404,
      message: 'The provider does not exist: acme (fallbacks.1) (known: local, aliyun, tencent, stepfun, openai)',
    });
    expect(errorOf(() => route({ service: 'image-to-video', fallbacks: ['openai'] }, catalogWith({ ...dashscopeAndTencent, OPENAI_API_KEY: 'sk-openai-route-test' })))).toEqual({
      code: 'provider_cannot_serve', status: 400, message: 'openai (fallbacks.0) cannot serve this request: it has no image-to-video model',
    });
    expect(errorOf(() => route({ fallbacks: ['tencent:wanx2.1-imageedit'] }))).toEqual({
      code: 'provider_cannot_serve', status: 400,
      message: 'tencent (fallbacks.0) cannot serve this request: wanx2.1-imageedit is not one of its image-to-image models (aiart-image-to-image)',
    });
    expect(errorOf(() => route({ fallbacks: ['local tencent'] }))).toMatchObject({
      code: 'parameter_invalid', status: 400,
      message: 'Expected a provider name or provider:model, e.g. "tencent" or "aliyun:wanx2.1-imageedit" for fallbacks.0 but received "local tencent" (string)',
    });
  });

  it('refuses a cloud fallback that is not configured, and always accepts local', () => {
    const onlyDashScope = catalogWith({ DASHSCOPE_API_KEY: 'sk-route-test' });
    expect(errorOf(() => route({ model: 'wanx2.1-i2i-turbo', fallbacks: ['tencent'] }, onlyDashScope))).toEqual({
      code: 'provider_not_configured', status: 404,
      message: 'There is no available target provider for the request: fallbacks.0 names Tencent Cloud aiart, which is not configured (set TENCENTCLOUD_SECRET_ID)',
    });
    expect(route({ model: 'wanx2.1-i2i-turbo', fallbacks: ['local'] }, catalogWith({})).fallbacks).toEqual([]); // local is already the route
    expect(route({ model: 'wanx2.1-i2i-turbo', fallbacks: ['local'] }, onlyDashScope).fallbacks).toEqual([{ providerId: 'local', modelId: 'atelier-image' }]);
  });

  it('keeps the chain inside hybrid_policy: always_remote refuses local, always_local refuses any fallback', () => {
    expect(errorOf(() => route({ model: 'wanx2.1-i2i-turbo', hybridPolicy: 'always_remote', fallbacks: ['tencent', 'local'] }))).toEqual({
      code: 'parameter_invalid', status: 400,
      message: 'Expected a cloud provider (hybrid_policy is always_remote) for fallbacks.1 but received "local" (string)',
    });
    expect(errorOf(() => route({ model: 'wanx2.1-i2i-turbo', hybridPolicy: 'always_local', fallbacks: ['tencent'] }))).toMatchObject({
      code: 'parameter_invalid', status: 400,
      message: expect.stringMatching(/^Expected no fallbacks with hybrid_policy always_local \(it allows the embedded engine only\) for fallbacks but received/),
    });
    expect(route({ hybridPolicy: 'always_local', fallbacks: [] }).fallbacks).toEqual([]);
  });

  it('skips entries already in the chain, with a warning when the client wrote them', () => {
    const chosen = route({ model: 'wanx2.1-i2i-turbo', fallbacks: ['aliyun', 'local', 'embedded'] });
    expect(chosen.fallbacks).toEqual([{ providerId: 'local', modelId: 'atelier-image' }]);
    expect(chosen.warnings).toEqual([
      { type: 'unsupported', feature: 'fallbacks.0', details: 'aliyun (wanx2.1-imageedit) is already earlier in the chain; the entry was skipped' },
      { type: 'unsupported', feature: 'fallbacks.2', details: 'local (atelier-image) is already earlier in the chain; the entry was skipped' },
    ]);
  });

  describe('the service\'s configured default (config.json services.<service>.fallbacks)', () => {
    const defaults = ['aliyun', 'tencent', 'local'];

    it('applies when the request names no fallbacks; an explicit [] turns it off', () => {
      const chosen = route({ model: 'wanx2.1-i2i-turbo', defaultFallbacks: defaults });
      expect(chosen.fallbacks.map((target) => target.providerId)).toEqual(['tencent', 'local']);
      expect(chosen.warnings).toEqual([]); // the primary repeated by the default is skipped silently
      expect(route({ model: 'wanx2.1-i2i-turbo', defaultFallbacks: defaults, fallbacks: [] }).fallbacks).toEqual([]);
      expect(route({ model: 'wanx2.1-i2i-turbo', defaultFallbacks: defaults, fallbacks: ['local'] }).fallbacks.map((target) => target.providerId)).toEqual(['local']);
    });

    it('leaves out what the request\'s policy forbids instead of failing the request', () => {
      expect(route({ model: 'wanx2.1-i2i-turbo', hybridPolicy: 'always_remote', defaultFallbacks: defaults }).fallbacks.map((target) => target.providerId)).toEqual(['tencent']);
      expect(route({ model: 'wanx2.1-i2i-turbo', hybridPolicy: 'always_local', defaultFallbacks: defaults })).toMatchObject({ providerId: 'local', fallbacks: [] });
    });

    it('names the configuration in errors about its entries', () => {
      expect(errorOf(() => route({ defaultFallbacks: ['local', 'acme'] }))).toMatchObject({
        code: 'provider_not_found', message: expect.stringContaining('acme (services.image-to-image.fallbacks.1 in config.json)'),
      });
    });
  });
});

describe('chooseRoute: a named cloud provider that cannot serve', () => {
  it('serves locally with a warning naming the provider when it is not configured', () => {
    const chosen = route({ remoteServiceProvider: 'tencent' }, catalogWith({}));
    expect(chosen).toMatchObject({ providerId: 'local' });
    expect(chosen.warnings).toEqual([expect.objectContaining({
      type: 'substituted', feature: 'remote_service_provider',
      details: expect.stringContaining('Tencent Cloud aiart was named, but Atelier\'s embedded engine'),
    })]);
    expect(chosen.warnings[0].details).toContain('TENCENTCLOUD_SECRET_ID');
  });

  it('says hybrid_policy always_local was the reason when it was', () => {
    const chosen = route({ remoteServiceProvider: 'aliyun', hybridPolicy: 'always_local' });
    expect(chosen).toMatchObject({ providerId: 'local' });
    expect(chosen.warnings[0].details).toContain('hybrid_policy is always_local');
  });

  it('adds nothing when the named provider is the embedded engine', () => {
    expect(route({ remoteServiceProvider: 'local' }).warnings).toEqual([]);
  });
});

describe('chooseRoute: always_remote without a configured cloud provider', () => {
  it('names every provider that could serve the service, in plain English', () => {
    expect(errorOf(() => route({ hybridPolicy: 'always_remote' }, catalogWith({})))).toMatchObject({
      code: 'provider_not_configured',
      message: expect.stringMatching(/always_remote and an image-to-image model is served by [^,]+ or .+, none of which is configured \(set /),
    });
    expect(errorOf(() => route({ model: 'wanx2.1-i2i-turbo', hybridPolicy: 'always_remote' }, catalogWith({})))).toMatchObject({
      message: expect.stringContaining('wanx2.1-i2i-turbo is served by Alibaba Cloud DashScope (Tongyi Wanxiang), which is not configured (set DASHSCOPE_API_KEY)'),
    });
  });
});
