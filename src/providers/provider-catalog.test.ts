import { describe, expect, it } from 'vitest';
import type { Engine } from '../engine/engine-types.ts';
import type { Logger } from '../logging/logger.ts';
import { ProviderCatalog } from './provider-catalog.ts';
import { providerDefinitions } from './registry.ts';

/** A logger that keeps what it was told, to check what start-up warns about. */
function recordingLogger() {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') } as unknown as Logger;
  return { logger, lines };
}

function catalogWith(env: Record<string, string>) {
  const { logger, lines } = recordingLogger();
  const catalog = new ProviderCatalog(providerDefinitions, { env, file: {} }, {
    fetch: globalThis.fetch, logger, now: () => new Date(), sleep: async () => {}, engine: {} as Engine,
  });
  return { catalog, lines };
}

describe('ProviderCatalog', () => {
  it('configures the providers whose keys are set, and only those', () => {
    const { catalog } = catalogWith({ DASHSCOPE_API_KEY: 'sk-dashscope-catalog-test' });
    expect(catalog.isConfigured('aliyun')).toBe(true);
    expect(catalog.isConfigured('tencent')).toBe(false);
    expect(catalog.findProvider('dashscope')?.capabilities.id).toBe('aliyun');
    expect(catalog.findProvider('remote_aliyun_image-to-image')?.capabilities.id).toBe('aliyun');
  });

  // Today (2026-11) is past StepFun's announced retirement of its image endpoints (2026-10-10).
  it('warns at start-up that a StepFun key is not used because StepFun retired its image endpoints', () => {
    const { catalog, lines } = catalogWith({ STEPFUN_API_KEY: 'sk-stepfun-catalog-test' });
    expect(catalog.isConfigured('stepfun')).toBe(false);
    const reason = catalog.unavailableReason('stepfun');
    expect(reason).toMatch(/retired its image endpoints on 2026-10-10/);
    expect(reason).toMatch(/STEPFUN_IGNORE_RETIREMENT=1/);
    expect(reason).not.toContain('sk-stepfun-catalog-test');
    expect(lines).toContainEqual({ level: 'warn', message: 'provider not used', fields: { provider: 'stepfun', reason } });
  });

  it('says nothing about StepFun when the retirement is overridden, the host is not StepFun\'s, or there is no key', () => {
    for (const env of <Array<Record<string, string>>>[
      { STEPFUN_API_KEY: 'sk-stepfun-catalog-test', STEPFUN_IGNORE_RETIREMENT: '1' },
      { STEPFUN_API_KEY: 'sk-stepfun-catalog-test', STEPFUN_BASE_URL: 'http://127.0.0.1:9/v1' },
    ]) {
      const { catalog, lines } = catalogWith(env);
      expect(catalog.isConfigured('stepfun')).toBe(true);
      expect(catalog.unavailableReason('stepfun')).toBeUndefined();
      expect(lines.filter((line) => line.level === 'warn')).toEqual([]);
    }
    const { catalog, lines } = catalogWith({});
    expect(catalog.unavailableReason('stepfun')).toBeUndefined();
    expect(lines).toEqual([]);
  });
});

describe('ProviderCatalog.settingsWith', () => {
  it('reads a provider\'s settings from config.json\'s providers as given with the environment as last read, through reloads', () => {
    const { catalog } = catalogWith({});
    const mixed = { tencent: { secret_key: 'catalog-mixed-secret-key' } };
    catalog.reload({ env: { DASHSCOPE_API_KEY: 'sk-dashscope-catalog-environment', TENCENTCLOUD_SECRET_ID: 'AKIDcatalogmixed' }, file: mixed });
    expect(catalog.settingsWith('aliyun', {})).toMatchObject({ apiKey: 'sk-dashscope-catalog-environment' });
    // Tencent's SecretId in the environment, its SecretKey in config.json: configured by both together only.
    expect(catalog.settingsWith('tencent', mixed)).toMatchObject({ secretId: 'AKIDcatalogmixed', secretKey: 'catalog-mixed-secret-key' });
    expect(() => catalog.settingsWith('tencent', {})).toThrow(/TENCENTCLOUD_SECRET_KEY/);
    expect(catalog.settingsWith('openai', {})).toBeUndefined();
    catalog.reload({ env: {}, file: { aliyun: { api_key: 'sk-dashscope-catalog-file' } } });
    expect(catalog.settingsWith('aliyun', {})).toBeUndefined();
    expect(catalog.settingsWith('aliyun', { dashscope: { api_key: 'sk-dashscope-catalog-file' } })).toMatchObject({ apiKey: 'sk-dashscope-catalog-file' });
    expect(catalog.settingsWith('no-such-provider', {})).toBeUndefined();
  });
});

describe('ProviderCatalog.modelRetired', () => {
  it('takes the retired model out of use with its reason, and its provider once every model is retired, until the next reload', () => {
    const env = { TENCENTCLOUD_SECRET_ID: 'AKIDcatalogretired', TENCENTCLOUD_SECRET_KEY: 'catalog-retired-secret-key' };
    const { catalog, lines } = catalogWith(env);
    catalog.modelFor('tencent', 'aiart-image-to-image');
    catalog.modelRetired('tencent', 'aiart-image-to-image', 'Tencent Cloud aiart retired this endpoint (ActionOffline)');
    // Tencent has one model: with it retired, the provider is out of use too.
    expect(catalog.isServing('tencent', 'aiart-image-to-image')).toBe(false);
    expect(catalog.isConfigured('tencent')).toBe(false);
    expect(catalog.unavailableReason('tencent')).toContain('ActionOffline');
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', message: 'model not used' }));
    expect(() => catalog.modelFor('tencent', 'aiart-image-to-image')).toThrow(expect.objectContaining({
      code: 'provider_not_configured', message: expect.stringContaining('is not used: Tencent Cloud aiart retired this endpoint'),
    }));
    // Its settings stay: the concurrency it runs at and the secrets redacted from logs do not change.
    expect(catalog.secrets()).toContain('catalog-retired-secret-key');
    catalog.reload({ env, file: {} });
    expect(catalog.isServing('tencent', 'aiart-image-to-image')).toBe(true);
  });

  it('leaves the provider\'s other models in use (a DashScope model gone from one region is not all of DashScope)', () => {
    const { catalog } = catalogWith({ DASHSCOPE_API_KEY: 'sk-dashscope-catalog-retired' });
    catalog.modelRetired('aliyun', 'wanx-style-repaint-v1', 'DashScope answered 404 for wanx-style-repaint-v1');
    expect(catalog.isServing('aliyun', 'wanx-style-repaint-v1')).toBe(false);
    expect(catalog.modelUnavailableReason('aliyun', 'wanx-style-repaint-v1')).toContain('404');
    expect(catalog.isServing('aliyun', 'wanx2.1-imageedit')).toBe(true);
    expect(catalog.isConfigured('aliyun')).toBe(true);
    expect(catalog.unavailableReason('aliyun')).toBeUndefined();
    expect(catalog.modelFor('aliyun', 'wanx2.1-imageedit')).toBeDefined();
  });
});
