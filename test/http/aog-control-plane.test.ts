import { request as httpRequest } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config/read-settings.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { createContext } from '../../src/server/create-context.ts';
import { startServer } from '../../src/server/start-server.ts';
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

type Body = Record<string, unknown>;

async function answer(response: Response): Promise<{ status: number; body: Body }> {
  return { status: response.status, body: (await response.json()) as Body };
}

const readConfig = (dataDirectory: string) => readFile(join(dataDirectory, 'config.json'), 'utf8').catch(() => '{}');

describe('AOG control plane: POST /aog/v0.2/service/install refuses what it cannot store, changing nothing', () => {
  let fresh: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    fresh = await createTestApp();
  });
  afterAll(() => fresh.close());
  const install = (body: Body) => fresh.post('/aog/v0.2/service/install', body);

  it('refuses an api_flavor that names an Object.prototype member with 400 parameter_invalid, not a 500', async () => {
    for (const flavor of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const { status, body } = await answer(await install({ service_name: 'image-to-image', service_source: 'remote', api_flavor: flavor, auth_key: '{"api_key":"sk-test"}' }));
      expect(status, `${flavor}: ${JSON.stringify(body)}`).toBe(400);
      expect(body.code).toBe('parameter_invalid');
      expect(body.message).toContain('api_flavor');
    }
  });

  it('refuses an api_flavor or auth_key that is not a string instead of converting it', async () => {
    for (const api_flavor of [['openai'], { toString: 'openai' }, 5]) {
      const { status, body } = await answer(await install({ service_name: 'image-to-image', service_source: 'remote', api_flavor, auth_key: '{"api_key":"sk-test"}' }));
      expect(status, JSON.stringify(body)).toBe(400);
      expect(body.code).toBe('parameter_invalid');
    }
    const authKey = await answer(await install({ service_name: 'image-to-image', api_flavor: 'openai', auth_key: { api_key: 'sk-object-key' } }));
    expect(authKey.status).toBe(400);
    expect(authKey.body.message).toContain('auth_key');
    expect(JSON.stringify(authKey.body)).not.toContain('sk-object-key');
    const baseUrl = await answer(await install({ service_name: 'image-to-image', api_flavor: 'openai', auth_key: JSON.stringify({ api_key: 'sk-test', base_url: 42 }) }));
    expect(baseUrl.status).toBe(400);
    expect(baseUrl.body.message).toContain('auth_key.base_url');
    expect(fresh.context.catalog.isConfigured('openai')).toBe(false);
    expect(await readConfig(fresh.dataDirectory)).toBe('{}');
  });

  it('refuses a service_source outside the documented enum (local, remote) instead of treating it as local', async () => {
    for (const service_source of ['bogus', 'REMOTE', 1]) {
      const { status, body } = await answer(await install({ service_name: 'image-to-image', service_source, api_flavor: 'openai', auth_key: '{"api_key":"sk-test"}' }));
      expect(status, `${JSON.stringify(service_source)}: ${JSON.stringify(body)}`).toBe(400);
      expect(body.code).toBe('parameter_invalid');
      expect(body.message).toContain('service_source');
    }
    const local = await install({ service_name: 'image-to-image', service_source: 'local' });
    expect(local.status).toBe(200);
    expect(fresh.context.catalog.isConfigured('openai')).toBe(false);
  });

  it('reads an empty or null service_source as not given (remote), as POST service_provider does: AOG\'s Go clients send "" for unset', async () => {
    for (const service_source of ['', null]) {
      const { status, body } = await answer(await install({ service_name: 'image-to-image', service_source, api_flavor: 'openai', auth_key: '{"api_key":"sk-empty-source"}' }));
      expect(status, `${JSON.stringify(service_source)}: ${JSON.stringify(body)}`).toBe(200);
      expect(fresh.context.catalog.isConfigured('openai')).toBe(true);
    }
  });
});

describe('AOG control plane: an install whose auth_key carries an invalid setting', () => {
  let tencentHarness: Awaited<ReturnType<typeof createTestApp>>;
  let installAnswer: { status: number; body: Body };
  beforeAll(async () => {
    tencentHarness = await createTestApp({ env: { TENCENTCLOUD_SECRET_ID: 'id-for-test', TENCENTCLOUD_SECRET_KEY: 'key-for-test' } });
    installAnswer = await answer(await tencentHarness.post('/aog/v0.2/service/install', {
      service_name: 'image-to-image', service_source: 'remote', api_flavor: 'aliyun', auth_key: JSON.stringify({ api_key: 'sk-test', base_url: 'ftp://example.com' }),
    }));
  });
  afterAll(() => tencentHarness.close());

  it('is refused with 400 parameter_invalid naming the auth_key entry', () => {
    expect(installAnswer.status).toBe(400);
    expect(installAnswer.body.code).toBe('parameter_invalid');
    expect(installAnswer.body.message).toContain('auth_key.base_url');
    expect(JSON.stringify(installAnswer.body)).not.toContain('sk-test');
  });

  it('leaves the catalogue as it was: tencent (from the environment) configured, aliyun not', async () => {
    const { body } = await answer(await tencentHarness.app.request('/v1/providers'));
    const configured = (id: string) => (body.providers as Array<{ id: string; configured: boolean }>).find((provider) => provider.id === id)?.configured;
    expect(configured('tencent')).toBe(true);
    expect(configured('aliyun')).toBe(false);
  });

  it('does not write the refused settings to config.json, so the server still starts afterwards', async () => {
    const config = await readConfig(tencentHarness.dataDirectory);
    expect(config).not.toContain('ftp://example.com');
    expect(config).not.toContain('sk-test');
    const settings = readSettings(['--data-dir', tencentHarness.dataDirectory, '--log-level', 'silent'], {});
    const restarted = await createContext(settings, { logger: silentLogger, env: {} }).then(async (context) => {
      await context.close();
      return 'started';
    }, (error: unknown) => String(error));
    expect(restarted).toBe('started');
  });

  it('keeps the settings already stored when a later install for the same provider is refused', async () => {
    const good = await tencentHarness.post('/aog/v0.2/service/install', { service_name: 'image-to-image', api_flavor: 'openai', auth_key: JSON.stringify({ api_key: 'sk-good', base_url: 'https://proxy.example/v1' }) });
    expect(good.status).toBe(200);
    const before = await readConfig(tencentHarness.dataDirectory);
    const bad = await tencentHarness.post('/aog/v0.2/service/install', { service_name: 'image-to-image', api_flavor: 'openai', auth_key: JSON.stringify({ api_key: 'sk-other', base_url: 'https://user:pw@proxy.example/v1' }) });
    expect(bad.status).toBe(400);
    expect(await readConfig(tencentHarness.dataDirectory)).toBe(before);
    expect(tencentHarness.context.catalog.isConfigured('openai')).toBe(true);
    expect(tencentHarness.context.catalog.isConfigured('tencent')).toBe(true);
  });

  it('refuses a stored value that an environment variable hides today (it would stop a start without that variable)', async () => {
    const hidden = await createTestApp({ env: { DASHSCOPE_BASE_URL: 'https://dashscope-intl.aliyuncs.com/api/v1' } });
    try {
      const { status, body } = await answer(await hidden.post('/aog/v0.2/service/install', {
        service_name: 'image-to-image', api_flavor: 'aliyun', auth_key: JSON.stringify({ api_key: 'sk-test', base_url: 'ftp://example.com' }),
      }));
      expect(status).toBe(400);
      expect(body.message).toContain('auth_key.base_url');
      expect(await readConfig(hidden.dataDirectory)).toBe('{}');
    } finally {
      await hidden.close();
    }
  });

  it('a reload that fails keeps the catalogue it had (all or nothing)', () => {
    const catalog = tencentHarness.context.catalog;
    expect(() => catalog.reload({ env: { TENCENTCLOUD_SECRET_ID: 'id-for-test' }, file: { aliyun: { api_key: 'sk-x', base_url: 'ftp://x' } } })).toThrow();
    expect(catalog.isConfigured('tencent')).toBe(true);
    expect(catalog.isConfigured('aliyun')).toBe(false);
  });
});

describe('AOG control plane: GET /aog/v0.2/service filter (aog-compat §9)', () => {
  const names = (body: Body) => (body.data as Array<{ service_name: string }>).map((service) => service.service_name);

  it('honours service_name given as a query string', async () => {
    const { status, body } = await answer(await harness.app.request('/aog/v0.2/service?service_name=image-to-video'));
    expect(status).toBe(200);
    expect(body.business_code).toBe(10000);
    expect(names(body)).toEqual(['image-to-video']);
  });

  it('lists every service without a filter or with an empty one, and answers 404 for an unknown service', async () => {
    expect(names((await answer(await harness.app.request('/aog/v0.2/service'))).body)).toEqual(['image-to-image', 'image-to-video']);
    expect(names((await answer(await harness.app.request('/aog/v0.2/service?service_name='))).body)).toEqual(['image-to-image', 'image-to-video']);
    const unknown = await answer(await harness.app.request('/aog/v0.2/service?service_name=chat'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('service_not_found');
  });

  it('honours service_name in a JSON body on the GET, as AOG\'s client sends it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'atelier-control-plane-'));
    const server = await startServer(readSettings(['--port', '0', '--host', '127.0.0.1', '--data-dir', directory, '--log-level', 'silent'], {}), { logger: silentLogger });
    const getWithBody = (payload: string) => new Promise<{ status: number; body: Body }>((resolve, reject) => {
      const sent = httpRequest(`${server.url}/aog/v0.2/service`, { method: 'GET', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Body }));
      });
      sent.on('error', reject);
      sent.end(payload);
    });
    try {
      const filtered = await getWithBody(JSON.stringify({ service_name: 'image-to-image' }));
      expect(filtered.status).toBe(200);
      expect(names(filtered.body)).toEqual(['image-to-image']);
      expect(names((await getWithBody(JSON.stringify({ service_name: '' }))).body)).toEqual(['image-to-image', 'image-to-video']);
      expect((await getWithBody(JSON.stringify({ service_name: 'chat' }))).status).toBe(404);
    } finally {
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
