import { describe, expect, test } from 'vitest';
import { thrownBy } from '../../../test/fakes/caught-gateway-error.ts';
import { providerDefinitions } from '../registry.ts';
import { dashscopeModels, findDashScopeModel } from './dashscope-capabilities.ts';
import { dashscopeProvider } from './index.ts';

describe('DashScope settings', () => {
  test('no key anywhere: not configured', () => {
    expect(dashscopeProvider.readSettings({ env: {}, file: {} })).toBeUndefined();
    expect(dashscopeProvider.readSettings({ env: { DASHSCOPE_API_KEY: '  ' }, file: { aliyun: { api_key: '' } } })).toBeUndefined();
  });

  test('environment first, then the config file, then the Beijing default', () => {
    const fromEnvironment = dashscopeProvider.readSettings({
      env: { DASHSCOPE_API_KEY: 'sk-env', DASHSCOPE_BASE_URL: 'https://dashscope-intl.aliyuncs.com/api/v1/' },
      file: { aliyun: { api_key: 'sk-file', base_url: 'https://file.example/api/v1' } },
    });
    expect([fromEnvironment?.apiKey, fromEnvironment?.baseUrl]).toEqual(['sk-env', 'https://dashscope-intl.aliyuncs.com/api/v1']);
    const fromFile = dashscopeProvider.readSettings({ env: {}, file: { aliyun: { api_key: 'sk-file', base_url: 'https://file.example/api/v1' } } });
    expect([fromFile?.apiKey, fromFile?.baseUrl]).toEqual(['sk-file', 'https://file.example/api/v1']);
    const defaults = dashscopeProvider.readSettings({ env: { DASHSCOPE_API_KEY: 'sk-env' }, file: {} });
    expect(defaults).toEqual({
      apiKey: 'sk-env', baseUrl: 'https://dashscope.aliyuncs.com/api/v1', requestTimeoutMs: 30_000, taskQueriesPerSecond: 20,
      maxResultBytes: 200 * 1024 * 1024, submitAttempts: 3,
    });
  });

  test('a base URL that is not http(s) is refused without echoing the key', () => {
    const error = thrownBy(() => dashscopeProvider.readSettings({ env: { DASHSCOPE_API_KEY: 'sk-very-secret', DASHSCOPE_BASE_URL: 'file:///etc/passwd' }, file: {} }));
    expect(error.code).toBe('parameter_invalid');
    expect(error.message).toContain('DASHSCOPE_BASE_URL');
    expect(error.message).not.toContain('sk-very-secret');
  });

  test('secretsOf names the key for redaction', () => {
    const settings = dashscopeProvider.readSettings({ env: { DASHSCOPE_API_KEY: 'sk-abcdef' }, file: {} })!;
    expect(dashscopeProvider.secretsOf(settings)).toEqual(['sk-abcdef']);
  });
});

describe('DashScope in the registry', () => {
  test('registered once, id aliyun with its AOG aliases', () => {
    const entries = providerDefinitions.filter((definition) => definition.capabilities.id === 'aliyun');
    expect(entries).toHaveLength(1);
    expect(entries[0].capabilities.aliases).toEqual(['dashscope', 'remote_aliyun_image-to-image', 'remote_aliyun_image-to-video']);
  });

  test('the routed model names resolve, the alias to the canonical id', () => {
    expect(findDashScopeModel('wanx2.1-i2i-turbo')?.id).toBe('wanx2.1-imageedit');
    for (const id of ['wanx2.1-imageedit', 'wanx-x-painting', 'wanx-style-repaint-v1', 'wan2.2-i2v-plus', 'wanx2.1-i2v-turbo']) {
      expect(findDashScopeModel(id)?.id).toBe(id);
    }
    expect(dashscopeModels.filter((model) => model.service === 'image-to-video').map((model) => model.video?.defaultResolution))
      .toEqual(['1080P', '720P', '720P', '720P']);
  });

  test('capabilities are consistent data: declared defaults are allowed values, async everywhere, 24 h result URLs', () => {
    for (const model of dashscopeModels) {
      expect(model.callModel).toBe('async');
      expect(model.resultUrlLifetimeSeconds).toBe(86_400);
      expect(model.input.minSide! < model.input.maxSide!).toBe(true);
      if (model.video) {
        expect(model.video.resolutions).toContain(model.video.defaultResolution);
        expect(model.video.durations).toContain(model.video.defaultDuration);
        expect(model.input.alpha).toBe('flattened');
      }
    }
  });

  test('an unknown model is model_not_found, listing the known ones', () => {
    const settings = dashscopeProvider.readSettings({ env: { DASHSCOPE_API_KEY: 'sk-abcdef' }, file: {} })!;
    expect(() => dashscopeProvider.createModel('wanx-v9', settings, {} as never)).toThrow(/model not exist: wanx-v9 .*wanx2\.1-imageedit/);
  });
});
