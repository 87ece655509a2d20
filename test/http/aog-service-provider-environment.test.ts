/**
 * The control plane's writes with the server's environment (`ProviderCatalog.settingsWith`): DELETE and PUT of a
 * provider configured by the environment alone, or by config.json alone, work as before and no answer carries a key;
 * install, POST and import refuse a key that the environment's other settings would make invalid, writing nothing.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/test-context.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function startWith(config: unknown, env: Record<string, string>) {
  const { app, context, dataDirectory, close: closeApp } = await createTestApp({ config, env });
  close = closeApp;
  const call = async (method: 'DELETE' | 'PUT' | 'POST', body: unknown, path = '/aog/v0.2/service_provider') => {
    const response = await app.request(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, text: await response.text() };
  };
  const stored = async () => JSON.parse(await readFile(join(dataDirectory, 'config.json'), 'utf8')) as Record<string, unknown>;
  return { call, stored, context };
}

describe('DELETE /aog/v0.2/service_provider with settingsWith', () => {
  it('removes config.json\'s entry when the environment alone configures the provider (configured stays true)', async () => {
    const app = await startWith({ providers: { aliyun: { api_key: 'sk-review-file-0123456789' } } }, { DASHSCOPE_API_KEY: 'sk-review-env-0123456789' });
    const { status, text } = await app.call('DELETE', { provider_name: 'aliyun' });
    expect(status, text).toBe(200);
    expect(JSON.parse(text).data).toEqual({ provider_name: 'aliyun', configured: true });
    expect(await app.stored()).toEqual({ providers: {} });
    expect(text).not.toContain('sk-review');
  });

  it('removes config.json\'s entry when config.json alone configures it, with no environment at all', async () => {
    const app = await startWith({ providers: { tencent: { secret_id: 'AKIDreviewfile', secret_key: 'review-file-secret-key' } }, provider_descriptions: { tencent: 'x' } }, {});
    const { status, text } = await app.call('DELETE', { provider_name: 'tencent' });
    expect(status, text).toBe(200);
    expect(JSON.parse(text).data).toEqual({ provider_name: 'tencent', configured: false });
    expect(await app.stored()).toEqual({ providers: {} });
  });

  it('removes it when the environment holds only settings that configure nothing alone (Tencent\'s region)', async () => {
    const app = await startWith({ providers: { tencent: { secret_id: 'AKIDreviewfile', secret_key: 'review-file-secret-key' } } }, { TENCENTCLOUD_REGION: 'ap-singapore' });
    const { status, text } = await app.call('DELETE', { provider_name: 'tencent' });
    expect(status, text).toBe(200);
    expect(JSON.parse(text).data.configured).toBe(false);
  });

  it('refuses, naming the variable and no key, when the environment\'s SecretId would be left alone', async () => {
    const app = await startWith({ providers: { tencent: { secret_id: 'AKIDreviewfile', secret_key: 'review-file-secret-key' } } }, { TENCENTCLOUD_SECRET_ID: 'AKIDreviewenv' });
    const { status, text } = await app.call('DELETE', { provider_name: 'tencent' });
    expect(status, text).toBe(400);
    expect(text).toContain('TENCENTCLOUD_SECRET_KEY');
    expect(text).not.toMatch(/AKIDreview|review-file-secret/);
  });
});

describe('PUT /aog/v0.2/service_provider with settingsWith', () => {
  it('changes the desc of a provider the environment alone configures, without a config.json', async () => {
    const app = await startWith(undefined, { OPENAI_API_KEY: 'sk-review-openai-env-0123456789' });
    const { status, text } = await app.call('PUT', { provider_name: 'openai', desc: 'from the environment' });
    expect(status, text).toBe(200);
    expect(await app.stored()).toEqual({ provider_descriptions: { openai: 'from the environment' } });
  });
});

describe('a key the environment would make invalid (TENCENTCLOUD_REGION set, harmless while Tencent is unconfigured)', () => {
  const authKey = JSON.stringify({ secret_id: 'AKIDenvironmentcheck', secret_key: 'environment-check-secret-key' });
  it.each([
    ['install', '/aog/v0.2/service/install', { service_name: 'image-to-image', service_source: 'remote', api_flavor: 'tencent', auth_key: authKey }],
    ['POST service_provider', '/aog/v0.2/service_provider', { service_name: 'image-to-image', api_flavor: 'tencent', auth_key: authKey }],
    ['import', '/aog/v0.2/service/import', { version: 'v0.7', service_providers: { 'remote_tencent_image-to-image': { service_name: 'image-to-image', service_source: 'remote', api_flavor: 'tencent', auth_key: authKey } } }],
  ])('is refused by %s, naming the variable, with nothing written and the next start unharmed', async (_route, path, body) => {
    const app = await startWith(undefined, { TENCENTCLOUD_REGION: 'Bad Region' });
    const { status, text } = await app.call('POST', body, path);
    expect(status, text).toBe(400);
    expect(text).toContain('TENCENTCLOUD_REGION');
    expect(text).not.toMatch(/AKIDenvironmentcheck|environment-check-secret/);
    await expect(app.stored()).rejects.toThrow(); // no config.json
    expect(app.context.catalog.isConfigured('tencent')).toBe(false);
  });
});
