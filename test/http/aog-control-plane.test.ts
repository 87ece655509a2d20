import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/test-context.ts';

let harness: Awaited<ReturnType<typeof createTestApp>>;
const key = 'sk-test-control-plane-0123456789';

beforeAll(async () => {
  harness = await createTestApp();
});
afterAll(() => harness.close());

describe('AOG control plane', () => {
  it('installs a remote image service the way `aog install … --remote --flavor aliyun` sends it', async () => {
    const response = await harness.post('/aog/v0.2/service/install', {
      service_name: 'image-to-image', service_source: 'remote', api_flavor: 'aliyun',
      url: 'https://dashscope.aliyuncs.com/api/v1/services/aigc/image2image/image-synthesis',
      auth_type: 'apikey', auth_key: JSON.stringify({ api_key: key }), method: 'POST',
      provider_name: 'remote_aliyun_image-to-image', skip_model: false, model_name: '',
    });
    expect(await response.json()).toEqual({ business_code: 10000, message: 'service interface call success' });
    expect(harness.context.catalog.isConfigured('aliyun')).toBe(true);
    const configPath = join(harness.dataDirectory, 'config.json');
    expect((await stat(configPath)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(configPath, 'utf8')).providers.aliyun.api_key).toBe(key);
  });

  it('lists configured providers without their keys', async () => {
    const text = await (await harness.app.request('/aog/v0.2/service_provider')).text();
    expect(text).not.toContain(key);
    const body = JSON.parse(text) as { business_code: number; data: Array<{ provider_name: string; flavor: string }> };
    expect(body.business_code).toBe(20000);
    expect(body.data.map((entry) => entry.flavor)).toContain('aliyun');
    const providers = await (await harness.app.request('/v1/providers')).text();
    expect(providers).not.toContain(key);
  });

  it('refuses a bad flavor or an auth_key that is not JSON, without echoing it', async () => {
    const flavor = await harness.post('/aog/v0.2/service/install', { service_name: 'image-to-image', api_flavor: 'nowhere', auth_key: '{}' });
    expect(flavor.status).toBe(400);
    const notJson = await harness.post('/aog/v0.2/service/install', { service_name: 'image-to-image', api_flavor: 'aliyun', auth_key: 'sk-plain-secret-value' });
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).not.toContain('sk-plain-secret-value');
    const service = await harness.post('/aog/v0.2/service/install', { service_name: 'chat', api_flavor: 'aliyun', auth_key: '{}' });
    expect(service.status).toBe(404);
  });

  it('reads and sets the per-service hybrid policy, which requests then default to', async () => {
    const set = await harness.app.request('/aog/v0.2/service', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service_name: 'image-to-image', hybrid_policy: 'always_local' }) });
    expect(set.status).toBe(200);
    const listed = (await (await harness.app.request('/aog/v0.2/service')).json()) as { data: Array<{ service_name: string; hybrid_policy: string }> };
    expect(listed.data).toContainEqual(expect.objectContaining({ service_name: 'image-to-image', hybrid_policy: 'always_local' }));
    expect(harness.context.defaultPolicy('image-to-image')).toBe('always_local');
    const bad = await harness.app.request('/aog/v0.2/service', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service_name: 'image-to-image', hybrid_policy: 'never' }) });
    expect(((await bad.json()) as { business_code: number }).business_code).toBe(10016);
  });
});
