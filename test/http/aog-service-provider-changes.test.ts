/**
 * `POST` and `PUT /aog/v0.2/service_provider` (aog-compat §9, SHOULD): create a provider entry as an install stores it,
 * refuse a second one with AOG's 10009, update a configured one field by field, and never answer with a key. Also the
 * 415 of the AOG routes that read a JSON body as filters.
 */
import { request as httpRequest } from 'node:http';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config/read-settings.ts';
import { uninstallProvider } from '../../src/config/uninstall-provider.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { startServer } from '../../src/server/start-server.ts';
import { createTestApp } from '../support/test-context.ts';

type Harness = Awaited<ReturnType<typeof createTestApp>>;
type Body = Record<string, unknown>;

const aliyunKey = 'sk-changes-aliyun-0123456789';
const rotatedKey = 'sk-changes-aliyun-rotated-0123';
const intlBaseUrl = 'https://dashscope-intl.aliyuncs.com/api/v1';
const imageEndpoint = 'https://dashscope.aliyuncs.com/api/v1/services/aigc/image2image/image-synthesis';

/** Every answer body these tests saw, grepped for keys at the end of each describe. */
const answers: string[] = [];

async function answer(response: Response): Promise<{ status: number; body: Body }> {
  const text = await response.text();
  answers.push(text);
  return { status: response.status, body: JSON.parse(text) as Body };
}

const send = (harness: Harness, method: 'POST' | 'PUT', body: unknown, contentType = 'application/json') => harness.app.request('/aog/v0.2/service_provider', {
  method, headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body),
});
const create = (harness: Harness, body: unknown) => send(harness, 'POST', body);
const update = (harness: Harness, body: unknown) => send(harness, 'PUT', body);

/** AOG's CreateServiceProviderRequest as `aog install service_provider -f` would send it for DashScope. */
const aliyunCreate = (overrides: Body = {}): Body => ({
  service_name: 'image-to-image', service_source: 'remote', api_flavor: 'aliyun', provider_name: 'remote_aliyun_image-to-image',
  desc: 'Beijing key', method: 'POST', url: imageEndpoint, auth_type: 'apikey',
  auth_key: JSON.stringify({ api_key: aliyunKey, base_url: intlBaseUrl }), models: ['wanx2.1-imageedit'], extra_headers: '{}', properties: '{}',
  ...overrides,
});

const configPath = (harness: Harness) => join(harness.dataDirectory, 'config.json');
const configText = (harness: Harness) => readFile(configPath(harness), 'utf8').catch(() => 'no config.json');

async function detail(harness: Harness, providerName: string): Promise<Body> {
  const { status, body } = await answer(await harness.app.request(`/aog/v0.2/service_provider/detail?provider_name=${providerName}`));
  expect(status).toBe(200);
  return body.data as Body;
}

function expectNoKeyIn(texts: readonly string[]): void {
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) for (const key of [aliyunKey, rotatedKey, 'sk-changes-']) expect(text).not.toContain(key);
}

describe('POST /aog/v0.2/service_provider', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createTestApp();
  });
  afterEach(() => harness.close());
  afterAll(() => expectNoKeyIn(answers));

  it('stores the key as an install does (0600), with its desc, and the provider is configured at once', async () => {
    const created = await answer(await create(harness, aliyunCreate()));
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toEqual({ business_code: 20000, message: 'service provider interface call success', data: { provider_name: 'aliyun', configured: true } });
    const config = JSON.parse(await configText(harness)) as Body;
    expect(config).toEqual({ providers: { aliyun: { api_key: aliyunKey, base_url: intlBaseUrl } }, provider_descriptions: { aliyun: 'Beijing key' } });
    expect((await stat(configPath(harness))).mode & 0o777).toBe(0o600);
    expect(harness.context.catalog.isConfigured('aliyun')).toBe(true);
    expect(await detail(harness, 'remote_aliyun_image-to-image')).toMatchObject({ provider_name: 'remote_aliyun_image-to-image', desc: 'Beijing key', flavor: 'aliyun', service_source: 'remote' });
    // One entry per provider: the other service's listing entry shows the same description.
    expect((await detail(harness, 'remote_aliyun_image-to-video')).desc).toBe('Beijing key');
  });

  it('takes the smallest request (service, flavor, key) and `flavor` for api_flavor; without desc the listing shows the display name', async () => {
    const created = await answer(await create(harness, { service_name: 'image-to-image', flavor: 'openai', auth_key: '{"api_key":"sk-changes-openai-0123"}' }));
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(JSON.parse(await configText(harness))).toEqual({ providers: { openai: { api_key: 'sk-changes-openai-0123' } } });
    expect((await detail(harness, 'remote_openai_image-to-image')).desc).toBe(harness.context.catalog.findProvider('openai')!.capabilities.displayName);
  });

  it('answers 409 with AOG\'s 10009 for a provider already configured, by either of its names, changing nothing', async () => {
    expect((await create(harness, aliyunCreate())).status).toBe(200);
    const before = await configText(harness);
    for (const request of [
      aliyunCreate({ auth_key: JSON.stringify({ api_key: rotatedKey }), desc: 'second' }),
      aliyunCreate({ service_name: 'image-to-video', provider_name: 'remote_aliyun_image-to-video', url: '', auth_key: JSON.stringify({ api_key: rotatedKey }) }),
      { service_name: 'image-to-image', api_flavor: 'dashscope', auth_key: JSON.stringify({ api_key: rotatedKey }) },
    ]) {
      const duplicate = await answer(await create(harness, request));
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toMatchObject({ business_code: 10009, code: 'provider_already_exists', retryable: false });
      expect(duplicate.body.message).toMatch(/^provider already exist: aliyun is already configured \(config\.json holds its settings\)/);
      expect(duplicate.body.message).toContain('PUT /aog/v0.2/service_provider');
    }
    expect(await configText(harness)).toBe(before);
  });

  it('answers 409 for a provider the environment configures, naming its variables', async () => {
    const environment = await createTestApp({ env: { DASHSCOPE_API_KEY: 'sk-changes-environment-0123' } });
    try {
      const duplicate = await answer(await create(environment, aliyunCreate()));
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.message).toContain('the environment configures it: DASHSCOPE_API_KEY');
      expect(JSON.stringify(duplicate.body)).not.toContain('sk-changes-environment-0123');
      expect(await configText(environment)).toBe('no config.json');
    } finally {
      await environment.close();
    }
  });

  it('refuses invalid settings and mismatched fields with 400 naming the field, writing nothing', async () => {
    const cases: Array<[Body, number, string]> = [
      [aliyunCreate({ auth_key: JSON.stringify({ api_key: aliyunKey, base_url: 'ftp://example.com' }) }), 40061, 'auth_key.base_url'],
      [aliyunCreate({ auth_key: '' }), 20006, 'auth_key'],
      [aliyunCreate({ auth_key: JSON.stringify({ key: aliyunKey }) }), 40061, 'auth_key.api_key'],
      [aliyunCreate({ api_flavor: 'acme' }), 40061, 'api_flavor'],
      [aliyunCreate({ flavor: 'tencent' }), 40061, 'flavor'],
      [aliyunCreate({ provider_name: 'remote_tencent_image-to-image' }), 40061, 'provider_name'],
      [aliyunCreate({ provider_name: 'my_own_aliyun' }), 40061, 'provider_name'],
      [aliyunCreate({ provider_name: 'remote_aliyun_image-to-video' }), 40061, 'provider_name'],
      [aliyunCreate({ url: 'https://proxy.example/image-synthesis' }), 40061, 'base_url in auth_key'],
      [aliyunCreate({ service_source: 'cloud' }), 40061, 'service_source'],
      [aliyunCreate({ desc: 'x'.repeat(501) }), 40061, 'at most 500 characters'],
      [aliyunCreate({ desc: 42 }), 40061, 'desc'],
      [{ service_name: 'image-to-video', api_flavor: 'openai', auth_key: '{"api_key":"sk-changes-openai-0123"}' }, 40061, 'a service openai serves (image-to-image)'],
    ];
    for (const [request, businessCode, named] of cases) {
      const refused = await answer(await create(harness, request));
      expect(refused.status, JSON.stringify(request)).toBe(400);
      expect(refused.body.business_code, String(refused.body.message)).toBe(businessCode);
      expect(refused.body.message).toContain(named);
    }
    const unknownService = await answer(await create(harness, aliyunCreate({ service_name: 'chat' })));
    expect(unknownService.status).toBe(404);
    expect(unknownService.body.code).toBe('service_not_found');
    // No service at all is a missing field (400), on this route as on install and PUT service.
    for (const [path, method, body] of [
      ['/aog/v0.2/service_provider', 'POST', { api_flavor: 'aliyun', auth_key: '{"api_key":"sk-changes-missing-0123"}' }],
      ['/aog/v0.2/service/install', 'POST', { service_source: 'remote', api_flavor: 'aliyun', auth_key: '{"api_key":"sk-changes-missing-0123"}' }],
      ['/aog/v0.2/service', 'PUT', { service_name: '', hybrid_policy: 'always_local' }],
    ] as const) {
      const missing = await answer(await harness.app.request(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
      expect(missing.status, `${method} ${path}`).toBe(400);
      expect(missing.body).toMatchObject({ code: 'parameter_missing', business_code: 40061, message: 'service_name request param lost' });
    }
    expect(await configText(harness)).toBe('no config.json');
    expect(harness.context.catalog.isConfigured('aliyun')).toBe(false);
  });

  it('answers an embedded-engine request as an install does: success, nothing stored', async () => {
    const local = await answer(await create(harness, { service_name: 'image-to-video', service_source: 'local', provider_name: 'local_atelier_image-to-video' }));
    expect(local.status).toBe(200);
    expect(local.body).toMatchObject({ business_code: 20000, data: { provider_name: 'local', configured: true } });
    expect(local.body.message).toContain('nothing was stored');
    expect(await configText(harness)).toBe('no config.json');
    const mismatched = await answer(await create(harness, { service_name: 'image-to-image', service_source: 'local', provider_name: 'aliyun' }));
    expect(mismatched.status).toBe(400);
    expect(mismatched.body.message).toContain('provider_name');
  });
});

describe('PUT /aog/v0.2/service_provider', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createTestApp();
    expect((await create(harness, aliyunCreate())).status).toBe(200);
  });
  afterAll(async () => {
    await harness.close();
    expectNoKeyIn(answers);
  });
  const stored = async () => JSON.parse(await configText(harness)) as { providers: Record<string, Record<string, string>>; provider_descriptions?: Record<string, string> };

  it('changes desc only: the key and base_url stay, the provider stays configured, GET detail shows the new desc', async () => {
    const updated = await answer(await update(harness, { provider_name: 'remote_aliyun_image-to-image', desc: 'Singapore key' }));
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toEqual({ business_code: 20000, message: 'service provider interface call success', data: { provider_name: 'aliyun', configured: true } });
    expect(await stored()).toEqual({ providers: { aliyun: { api_key: aliyunKey, base_url: intlBaseUrl } }, provider_descriptions: { aliyun: 'Singapore key' } });
    expect((await detail(harness, 'remote_aliyun_image-to-image')).desc).toBe('Singapore key');
    expect(harness.context.catalog.isConfigured('aliyun')).toBe(true);
    expect((await stat(configPath(harness))).mode & 0o777).toBe(0o600);
  });

  it('changes the key only (by any of the provider\'s names): desc and base_url stay; empty fields keep their values', async () => {
    const updated = await answer(await update(harness, {
      provider_name: 'dashscope', auth_key: JSON.stringify({ api_key: rotatedKey }), desc: '', service_name: 'image-to-image', service_source: 'remote', api_flavor: 'aliyun', url: imageEndpoint, method: 'POST',
    }));
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(await stored()).toEqual({ providers: { aliyun: { api_key: rotatedKey, base_url: intlBaseUrl } }, provider_descriptions: { aliyun: 'Singapore key' } });
    expect((await detail(harness, 'remote_aliyun_image-to-video')).desc).toBe('Singapore key');
    expect(harness.context.catalog.isConfigured('aliyun')).toBe(true);
  });

  it('writes nothing for a request with nothing to change', async () => {
    const before = await configText(harness);
    const unchanged = await answer(await update(harness, { provider_name: 'aliyun' }));
    expect(unchanged.status).toBe(200);
    expect(unchanged.body.message).toContain('nothing to change');
    expect(await configText(harness)).toBe(before);
  });

  it('answers 404 with AOG\'s 40010 for an unknown or unconfigured provider, and 400 without a name or for the embedded engine', async () => {
    const before = await configText(harness);
    const unknown = await answer(await update(harness, { provider_name: 'remote_acme_image-to-image', desc: 'x' }));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ business_code: 40010, code: 'provider_not_found' });
    expect(unknown.body.message).toContain('remote_acme_image-to-image');
    const unconfigured = await answer(await update(harness, { provider_name: 'remote_tencent_image-to-image', desc: 'x' }));
    expect(unconfigured.status).toBe(404);
    expect(unconfigured.body.business_code).toBe(40010);
    expect(unconfigured.body.message).toContain('not configured (POST /aog/v0.2/service_provider creates it)');
    expect(unconfigured.body.message).toContain('configured: aliyun');
    const missing = await answer(await update(harness, { desc: 'x' }));
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('parameter_missing');
    const local = await answer(await update(harness, { provider_name: 'local_atelier_image-to-image', desc: 'x' }));
    expect(local.status).toBe(400);
    expect(local.body.message).toContain('the embedded engine has no settings to change');
    expect(await configText(harness)).toBe(before);
  });

  it('refuses invalid settings and fields that disagree with the provider with 400, keeping the stored key', async () => {
    const before = await configText(harness);
    const cases: Array<[Body, string]> = [
      [{ provider_name: 'aliyun', auth_key: JSON.stringify({ api_key: 'sk-changes-bad', base_url: 'ftp://example.com' }) }, 'auth_key.base_url'],
      [{ provider_name: 'aliyun', auth_key: 'sk-changes-not-json' }, 'auth_key'],
      [{ provider_name: 'remote_aliyun_image-to-image', service_name: 'image-to-video' }, 'service_name'],
      [{ provider_name: 'aliyun', service_source: 'local' }, 'service_source'],
      [{ provider_name: 'aliyun', api_flavor: 'openai' }, 'api_flavor'],
      [{ provider_name: 'aliyun', url: 'https://proxy.example/x' }, 'url'],
      [{ provider_name: 'aliyun', desc: ['x'] }, 'desc'],
    ];
    for (const [request, named] of cases) {
      const refused = await answer(await update(harness, request));
      expect(refused.status, JSON.stringify(request)).toBe(400);
      expect(refused.body.business_code).toBe(40061);
      expect(refused.body.message).toContain(named);
    }
    expect(await configText(harness)).toBe(before);
    expect(harness.context.catalog.isConfigured('aliyun')).toBe(true);
  });

  it('has its description removed by DELETE with the key; a later create starts without it', async () => {
    expect((await harness.app.request('/aog/v0.2/service_provider', { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{"provider_name":"aliyun"}' })).status).toBe(200);
    expect(await stored()).toEqual({ providers: {} });
    expect((await create(harness, aliyunCreate({ desc: '' }))).status).toBe(200);
    expect((await detail(harness, 'remote_aliyun_image-to-image')).desc).toBe(harness.context.catalog.findProvider('aliyun')!.capabilities.displayName);
  });
});

describe('PUT /aog/v0.2/service_provider overtaken by a DELETE of the same provider', () => {
  it('answers the same 404 and writes nothing when the settings went after the catalogue said configured', async () => {
    const harness = await createTestApp();
    try {
      expect((await create(harness, aliyunCreate())).status).toBe(200);
      // The file half of a DELETE: the settings are gone, the catalogue is not reloaded yet and still says configured.
      const aliyun = harness.context.catalog.findProvider('aliyun')!;
      expect(await uninstallProvider(harness.dataDirectory, aliyun, harness.context.catalog.definitions)).toBe(true);
      expect(harness.context.catalog.isConfigured('aliyun')).toBe(true);
      const afterRemoval = await configText(harness);
      for (const request of [
        { provider_name: 'remote_aliyun_image-to-image', auth_key: JSON.stringify({ api_key: rotatedKey }), desc: 'Singapore key' },
        { provider_name: 'aliyun', desc: 'Singapore key' },
      ]) {
        const refused = await answer(await update(harness, request));
        expect(refused.status, JSON.stringify(refused.body)).toBe(404);
        expect(refused.body).toMatchObject({ business_code: 40010, code: 'provider_not_found' });
        expect(refused.body.message).toContain('not configured (POST /aog/v0.2/service_provider creates it)');
        expect(refused.body.message).toContain('no cloud provider is configured');
        expect(await configText(harness)).toBe(afterRemoval);
      }
      expect(afterRemoval).not.toContain(aliyunKey);
      expect(afterRemoval).not.toContain('provider_descriptions');
    } finally {
      await harness.close();
    }
  });
});

describe('a description stored for a provider configured elsewhere', () => {
  it('is stored apart from the settings, so it does not hide a key stored under an alias', async () => {
    const harness = await createTestApp();
    try {
      await writeFile(configPath(harness), JSON.stringify({ providers: { dashscope: { api_key: 'sk-changes-hand-written-0123' } } }), { mode: 0o600 });
      await harness.context.reloadConfiguration();
      expect(harness.context.catalog.isConfigured('aliyun')).toBe(true);
      const updated = await answer(await update(harness, { provider_name: 'aliyun', desc: 'hand-written key' }));
      expect(updated.status).toBe(200);
      expect(updated.body.data).toEqual({ provider_name: 'aliyun', configured: true });
      expect(JSON.parse(await configText(harness))).toEqual({ providers: { dashscope: { api_key: 'sk-changes-hand-written-0123' } }, provider_descriptions: { aliyun: 'hand-written key' } });
      expect((await detail(harness, 'remote_aliyun_image-to-image')).desc).toBe('hand-written key');
    } finally {
      await harness.close();
    }
  });

  it('for a provider the environment configures, is the whole entry: DELETE removes it and says the environment still configures it', async () => {
    const harness = await createTestApp({ env: { DASHSCOPE_API_KEY: 'sk-changes-environment-0123' } });
    try {
      const updated = await answer(await update(harness, { provider_name: 'aliyun', desc: 'from the environment' }));
      expect(updated.status).toBe(200);
      expect(JSON.parse(await configText(harness))).toEqual({ provider_descriptions: { aliyun: 'from the environment' } });
      expect((await detail(harness, 'remote_aliyun_image-to-image')).desc).toBe('from the environment');
      const removed = await answer(await harness.app.request('/aog/v0.2/service_provider', { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{"provider_name":"aliyun"}' }));
      expect(removed.status).toBe(200);
      expect(removed.body.data).toEqual({ provider_name: 'aliyun', configured: true });
      expect(JSON.parse(await configText(harness))).toEqual({});
    } finally {
      await harness.close();
    }
  });
});

describe('415 for a body declared as anything but JSON', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(() => harness.close());

  it('on POST and PUT /aog/v0.2/service_provider, writing nothing; a body without a Content-Type is read as JSON', async () => {
    for (const contentType of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-seq']) {
      for (const method of ['POST', 'PUT'] as const) {
        const refused = await answer(await send(harness, method, method === 'POST' ? aliyunCreate() : { provider_name: 'aliyun', desc: 'x' }, contentType));
        expect(refused.status, `${method} ${contentType}`).toBe(415);
        expect(refused.body).toMatchObject({ business_code: 40004, code: 'request_content_type_unsupported' });
      }
    }
    expect(await configText(harness)).toBe('no config.json');
    // Bytes, not a string: a string body would be given text/plain by Request itself.
    const untyped = await harness.app.request('/aog/v0.2/service_provider', { method: 'POST', body: new TextEncoder().encode(JSON.stringify(aliyunCreate())) });
    expect(untyped.status).toBe(200);
    const untypedUpdate = await harness.app.request('/aog/v0.2/service_provider', { method: 'PUT', body: new TextEncoder().encode('{"provider_name":"aliyun","desc":"untyped"}') });
    expect(untypedUpdate.status).toBe(200);
    expect((await detail(harness, 'remote_aliyun_image-to-image')).desc).toBe('untyped');
  });

  it('on POST /aog/v0.2/service/export with a filter body; an empty body or none stays accepted', async () => {
    const refused = await answer(await harness.app.request('/aog/v0.2/service/export', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '{"service_name":"image-to-image"}' }));
    expect(refused.status).toBe(415);
    expect(refused.body.code).toBe('request_content_type_unsupported');
    expect((await harness.app.request('/aog/v0.2/service/export', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"service_name":"image-to-image"}' })).status).toBe(200);
    expect((await harness.app.request('/aog/v0.2/service/export', { method: 'POST' })).status).toBe(200);
  });
});

describe('415 on the GET routes that read filters from a JSON body (a real server: fetch sends no body on a GET)', () => {
  let directory: string;
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'atelier-changes-'));
    server = await startServer(readSettings(['--port', '0', '--host', '127.0.0.1', '--data-dir', directory, '--log-level', 'silent'], {}), { logger: silentLogger });
  });
  afterAll(async () => {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  });

  const get = (path: string, body: string | undefined, contentType: string | undefined) => new Promise<{ status: number; body: Body }>((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (contentType !== undefined) headers['content-type'] = contentType;
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    const sent = httpRequest(`${server.url}${path}`, { method: 'GET', headers }, (response) => {
      let received = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (received += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(received) as Body }));
    });
    sent.on('error', reject);
    sent.end(body);
  });

  it.each(['/aog/v0.2/service_provider', '/aog/v0.2/service_provider/detail', '/aog/v0.2/service', '/aog/v0.2/model'])('%s', async (path) => {
    const filter = JSON.stringify({ service_name: 'image-to-image' });
    const refused = await get(path, filter, 'application/x-www-form-urlencoded');
    expect(refused.status).toBe(415);
    expect(refused.body).toMatchObject({ business_code: 40004, code: 'request_content_type_unsupported' });
    expect((await get(path, filter, 'application/json')).status).toBe(200);
    expect((await get(path, filter, undefined)).status).toBe(200);
    // No body: nothing is read, whatever a client declares.
    expect((await get(path, undefined, undefined)).status).toBe(200);
    expect((await get(path, undefined, 'application/x-www-form-urlencoded')).status).toBe(200);
  });
});
