/**
 * The AOG control-plane routes the contract marks SHOULD (aog-compat §7, §9): provider detail, provider removal and
 * the model listing.
 */
import { request as httpRequest } from 'node:http';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config/read-settings.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { startServer } from '../../src/server/start-server.ts';
import { createTestApp } from '../support/test-context.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

type Harness = Awaited<ReturnType<typeof createTestApp>>;
type Body = Record<string, unknown>;
type ProviderEntry = Record<string, unknown> & { provider_name: string; service_name: string; service_source: string };
type ModelEntry = {
  model_name: string; avatar: string; provider_name: string; status: string; service_name: string; service_source: string;
  is_default: boolean; created_at: string | null; updated_at: string | null; aliases: string[];
};

const aliyunKey = 'sk-extras-aliyun-0123456789';

async function answer(response: Response): Promise<{ status: number; body: Body }> {
  return { status: response.status, body: (await response.json()) as Body };
}

const installAliyun = (harness: Harness, key = aliyunKey) => harness.post('/aog/v0.2/service/install', {
  service_name: 'image-to-image', service_source: 'remote', api_flavor: 'aliyun', auth_key: JSON.stringify({ api_key: key }),
});

const deleteProvider = (harness: Harness, body: unknown) => harness.app.request('/aog/v0.2/service_provider', {
  method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});

const configText = (harness: Harness) => readFile(join(harness.dataDirectory, 'config.json'), 'utf8');

async function configuredInV1Providers(harness: Harness, id: string): Promise<boolean | undefined> {
  const { body } = await answer(await harness.app.request('/v1/providers'));
  return (body.providers as Array<{ id: string; configured: boolean }>).find((provider) => provider.id === id)?.configured;
}

describe('GET /aog/v0.2/service_provider/detail', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createTestApp();
    expect((await installAliyun(harness)).status).toBe(200);
  });
  afterAll(() => harness.close());

  it('answers the one provider the filters match, shaped as its listing entry and without a key', async () => {
    const listing = await answer(await harness.app.request('/aog/v0.2/service_provider?provider_name=remote_aliyun_image-to-image'));
    const [entry] = listing.body.data as ProviderEntry[];
    const response = await harness.app.request('/aog/v0.2/service_provider/detail?provider_name=remote_aliyun_image-to-image');
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toContain(aliyunKey);
    expect(text).not.toContain('auth_key');
    expect(JSON.parse(text)).toEqual({ business_code: 20000, message: 'service provider interface call success', data: entry });
    expect(entry).toMatchObject({ provider_name: 'remote_aliyun_image-to-image', service_name: 'image-to-image', service_source: 'remote', flavor: 'aliyun', created_at: null, updated_at: null });
  });

  it('answers the first in listing order when several match', async () => {
    const listing = await answer(await harness.app.request('/aog/v0.2/service_provider?service_source=remote'));
    expect((listing.body.data as ProviderEntry[]).length).toBeGreaterThan(1);
    const detail = await answer(await harness.app.request('/aog/v0.2/service_provider/detail?service_source=remote'));
    expect(detail.body.data).toEqual((listing.body.data as ProviderEntry[])[0]);
  });

  it('answers 404 with AOG\'s 40010 when nothing matches, and 400 for a filter that is not a string', async () => {
    const none = await answer(await harness.app.request('/aog/v0.2/service_provider/detail?provider_name=remote_tencent_image-to-image'));
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ business_code: 40010, code: 'provider_not_found' });
    expect(none.body.message).toContain('remote_tencent_image-to-image');
    const unknownService = await answer(await harness.app.request('/aog/v0.2/service_provider/detail?service_name=chat'));
    expect(unknownService.status).toBe(404);
    expect(unknownService.body.business_code).toBe(40010);
  });

  it('reads its filters from a JSON body on the GET, as AOG\'s client sends them', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'atelier-extras-'));
    const server = await startServer(readSettings(['--port', '0', '--host', '127.0.0.1', '--data-dir', directory, '--log-level', 'silent'], {}), { logger: silentLogger });
    const getWithBody = (payload: unknown) => new Promise<{ status: number; body: Body }>((resolve, reject) => {
      const text = JSON.stringify(payload);
      const sent = httpRequest(`${server.url}/aog/v0.2/service_provider/detail`, { method: 'GET', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (response) => {
        let received = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (received += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(received) as Body }));
      });
      sent.on('error', reject);
      sent.end(text);
    });
    try {
      const video = await getWithBody({ service_name: 'image-to-video', service_source: 'local' });
      expect(video.status).toBe(200);
      expect(video.body.data).toMatchObject({ service_name: 'image-to-video', service_source: 'local' });
      const bad = await getWithBody({ provider_name: ['remote_aliyun_image-to-image'] });
      expect(bad.status).toBe(400);
      expect(bad.body.business_code).toBe(40061);
      expect((await getWithBody({ service_source: 'remote' })).status).toBe(404);
    } finally {
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('DELETE /aog/v0.2/service_provider', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(() => harness.close());

  it('removes the provider\'s key from config.json, keeps the rest of the file, and the provider is no longer configured', async () => {
    expect((await installAliyun(harness)).status).toBe(200);
    const openAi = await harness.post('/aog/v0.2/service/install', { service_name: 'image-to-image', api_flavor: 'openai', auth_key: JSON.stringify({ api_key: 'sk-extras-openai-0123' }) });
    expect(openAi.status).toBe(200);
    const policy = await harness.app.request('/aog/v0.2/service', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service_name: 'image-to-video', hybrid_policy: 'always_local' }) });
    expect(policy.status).toBe(200);
    expect(await configText(harness)).toContain(aliyunKey);
    expect(await configuredInV1Providers(harness, 'aliyun')).toBe(true);

    const removed = await deleteProvider(harness, { provider_name: 'remote_aliyun_image-to-image' });
    const text = await removed.text();
    expect(removed.status).toBe(200);
    expect(text).not.toContain(aliyunKey);
    expect(JSON.parse(text)).toEqual({ business_code: 20000, message: 'service provider interface call success', data: { provider_name: 'aliyun', configured: false } });

    const onDisk = await configText(harness);
    expect(onDisk).not.toContain(aliyunKey);
    const config = JSON.parse(onDisk) as { providers: Record<string, unknown>; services: Record<string, { hybrid_policy: string }> };
    expect(config.providers.aliyun).toBeUndefined();
    expect(config.providers.openai).toEqual({ api_key: 'sk-extras-openai-0123' });
    expect(config.services['image-to-video'].hybrid_policy).toBe('always_local');
    expect((await stat(join(harness.dataDirectory, 'config.json'))).mode & 0o777).toBe(0o600);

    expect(await configuredInV1Providers(harness, 'aliyun')).toBe(false);
    expect(await configuredInV1Providers(harness, 'openai')).toBe(true);
    const listing = await answer(await harness.app.request('/aog/v0.2/service_provider?api_flavor=aliyun'));
    expect(listing.body.data).toEqual([]);
  });

  it('lets a later install store a key again', async () => {
    const again = await installAliyun(harness, 'sk-extras-aliyun-second');
    expect(again.status).toBe(200);
    expect(JSON.parse(await configText(harness)).providers.aliyun).toEqual({ api_key: 'sk-extras-aliyun-second' });
    expect(await configuredInV1Providers(harness, 'aliyun')).toBe(true);
  });

  it('accepts the provider id or an alias, and removes an entry stored under an alias the provider also reads', async () => {
    const config = JSON.parse(await configText(harness)) as { providers: Record<string, Record<string, string>> };
    config.providers.dashscope = { api_key: 'sk-extras-hand-written' };
    await writeFile(join(harness.dataDirectory, 'config.json'), JSON.stringify(config));
    const removed = await deleteProvider(harness, { provider_name: 'dashscope' });
    expect(removed.status).toBe(200);
    const onDisk = await configText(harness);
    expect(onDisk).not.toContain('sk-extras-hand-written');
    expect(onDisk).not.toContain('sk-extras-aliyun-second');
    expect(harness.context.catalog.isConfigured('aliyun')).toBe(false);
  });

  it('answers 404 with AOG\'s 20009 when nothing is stored for the provider, changing nothing', async () => {
    const before = await configText(harness);
    const { status, body } = await answer(await deleteProvider(harness, { provider_name: 'aliyun' }));
    expect(status).toBe(404);
    expect(body).toMatchObject({ business_code: 20009, code: 'provider_settings_not_stored' });
    expect(body.message).toContain('aliyun');
    expect(body.message).toContain('not configured');
    expect(await configText(harness)).toBe(before);
    const local = await answer(await deleteProvider(harness, { provider_name: 'local' }));
    expect(local.status).toBe(404);
    expect(local.body.code).toBe('provider_settings_not_stored');
  });

  it('answers the same 404 for the embedded engine when config.json holds a hand-written providers.local (never read)', async () => {
    const edited = await createTestApp({ config: { providers: { local: { api_key: 'never-read' } } } });
    try {
      const local = await answer(await deleteProvider(edited, { provider_name: 'local' }));
      expect(local.status, JSON.stringify(local.body)).toBe(404);
      expect(local.body).toMatchObject({ code: 'provider_settings_not_stored' });
      expect(local.body.message).toContain('the embedded engine needs no settings');
    } finally {
      await edited.close();
    }
  });

  it('does not create config.json when there is nothing to remove', async () => {
    const fresh = await createTestApp();
    try {
      const { status, body } = await answer(await deleteProvider(fresh, { provider_name: 'remote_openai_image-to-image' }));
      expect(status).toBe(404);
      expect(body.code).toBe('provider_settings_not_stored');
      await expect(stat(join(fresh.dataDirectory, 'config.json'))).rejects.toThrow('ENOENT');
    } finally {
      await fresh.close();
    }
  });

  it('answers 404 with AOG\'s 40010 for a name Atelier does not know, and 400 without a provider_name', async () => {
    const unknown = await answer(await deleteProvider(harness, { provider_name: 'remote_acme_image-to-image' }));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ business_code: 40010, code: 'provider_not_found' });
    expect(unknown.body.message).toContain('remote_acme_image-to-image');
    const missing = await answer(await deleteProvider(harness, {}));
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ business_code: 40061, code: 'parameter_missing' });
    expect(missing.body.message).toContain('provider_name');
    const notString = await answer(await deleteProvider(harness, { provider_name: 42 }));
    expect(notString.status).toBe(400);
    expect(notString.body.code).toBe('parameter_invalid');
  });

  it('refuses a body declared as anything but JSON with the install route\'s 415, removing nothing; none is accepted', async () => {
    expect((await installAliyun(harness, 'sk-extras-aliyun-typed')).status).toBe(200);
    const body = JSON.stringify({ provider_name: 'aliyun' });
    for (const contentType of ['multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json-seq']) {
      const refused = await answer(await harness.app.request('/aog/v0.2/service_provider', { method: 'DELETE', headers: { 'content-type': contentType }, body }));
      expect(refused.status).toBe(415);
      expect(refused.body).toMatchObject({ business_code: 40004, code: 'request_content_type_unsupported' });
      expect(refused.body.message).toContain(contentType.split(';')[0]);
    }
    const install = await answer(await harness.app.request('/aog/v0.2/service/install', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '{}' }));
    expect(install.body.code).toBe('request_content_type_unsupported');
    expect(await configText(harness)).toContain('sk-extras-aliyun-typed');

    // Bytes, not a string: a string body would be given text/plain by Request itself.
    const untyped = await harness.app.request('/aog/v0.2/service_provider', { method: 'DELETE', body: new TextEncoder().encode(body) });
    expect(untyped.status).toBe(200);
    expect(await configText(harness)).not.toContain('sk-extras-aliyun-typed');
  });
});

describe('DELETE /aog/v0.2/service_provider of a provider the environment configures', () => {
  let harness: Harness;
  const environmentKey = 'sk-extras-environment-0123';
  beforeAll(async () => {
    harness = await createTestApp({ env: { DASHSCOPE_API_KEY: environmentKey } });
  });
  afterAll(() => harness.close());

  it('removes the file entry and says the environment still configures it', async () => {
    expect((await installAliyun(harness)).status).toBe(200);
    const response = await deleteProvider(harness, { provider_name: 'remote_aliyun_image-to-video' });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toContain(environmentKey);
    const body = JSON.parse(text) as Body;
    expect(body.business_code).toBe(20000);
    expect(body.message).toMatch(/^service provider interface call success/);
    expect(body.message).toContain('environment');
    expect(body.message).toContain('DASHSCOPE_API_KEY');
    expect(body.data).toEqual({ provider_name: 'aliyun', configured: true });
    expect(await configText(harness)).not.toContain(aliyunKey);
    expect(await configuredInV1Providers(harness, 'aliyun')).toBe(true);
  });

  it('answers 20009 for a second removal, saying the environment still configures it', async () => {
    const { status, body } = await answer(await deleteProvider(harness, { provider_name: 'aliyun' }));
    expect(status).toBe(404);
    expect(body.business_code).toBe(20009);
    expect(body.message).toContain('environment');
    expect(JSON.stringify(body)).not.toContain(environmentKey);
  });
});

describe('POST /aog/v0.2/service/install over settings kept under an alias (aliyun reads providers.dashscope)', () => {
  const intlBaseUrl = 'https://dashscope-intl.aliyuncs.com/api/v1';
  const writeConfig = (harness: Harness, config: unknown) => writeFile(join(harness.dataDirectory, 'config.json'), JSON.stringify(config), { mode: 0o600 });

  it('moves them under the id and merges the new key over them, as it merges over providers.aliyun: the old key goes, the base_url stays', async () => {
    const harness = await createTestApp();
    try {
      await writeConfig(harness, { providers: { dashscope: { api_key: 'sk-extras-alias-old-0123', base_url: intlBaseUrl }, openai: { api_key: 'sk-extras-openai-0123' } } });
      await harness.context.reloadConfiguration();
      expect((await installAliyun(harness)).status).toBe(200);
      const onDisk = await configText(harness);
      expect(onDisk).not.toContain('sk-extras-alias-old');
      expect(JSON.parse(onDisk).providers).toEqual({ aliyun: { api_key: aliyunKey, base_url: intlBaseUrl }, openai: { api_key: 'sk-extras-openai-0123' } });
      expect(await configuredInV1Providers(harness, 'aliyun')).toBe(true);
    } finally {
      await harness.close();
    }
  });

  it('removes an alias entry hidden behind providers.aliyun (a stored key the user believes replaced)', async () => {
    const harness = await createTestApp();
    try {
      await writeConfig(harness, { providers: { aliyun: { api_key: 'sk-extras-own-old-0123' }, dashscope: { api_key: 'sk-extras-hidden-0123', base_url: intlBaseUrl } } });
      expect((await installAliyun(harness)).status).toBe(200);
      const onDisk = await configText(harness);
      expect(onDisk).not.toContain('sk-extras-hidden');
      expect(JSON.parse(onDisk).providers).toEqual({ aliyun: { api_key: aliyunKey } });
    } finally {
      await harness.close();
    }
  });
});

describe('GET /aog/v0.2/model', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(() => harness.close());
  const models = async (query = '') => {
    const { status, body } = await answer(await harness.app.request(`/aog/v0.2/model${query}`));
    expect(status).toBe(200);
    expect(body.business_code).toBe(30000);
    return body.data as ModelEntry[];
  };

  it('lists every model once under its canonical name, with AOG\'s fields and its aliases marked', async () => {
    const all = await models();
    const names = all.map((model) => `${model.provider_name}/${model.model_name}`);
    expect(new Set(names).size).toBe(names.length);
    expect(all.map((model) => model.model_name)).not.toContain('wanx2.1-i2i-turbo');
    expect(all.find((model) => model.model_name === 'wanx2.1-imageedit')).toEqual({
      model_name: 'wanx2.1-imageedit', avatar: '', provider_name: 'remote_aliyun_image-to-image', status: 'not_configured',
      service_name: 'image-to-image', service_source: 'remote', is_default: true, created_at: null, updated_at: null,
      aliases: ['wanx2.1-i2i-turbo'],
    });
    expect(all.find((model) => model.model_name === 'atelier-image')).toMatchObject({
      provider_name: 'local_atelier_image-to-image', status: 'downloaded', service_source: 'local', is_default: true, aliases: [],
    });
    expect(all.find((model) => model.model_name === 'wan2.2-i2v-plus')).toMatchObject({ provider_name: 'remote_aliyun_image-to-video', service_name: 'image-to-video' });
  });

  it('filters by model_name, accepting an alias and answering the canonical row', async () => {
    const byAlias = await models('?model_name=wanx2.1-i2i-turbo');
    expect(byAlias.map((model) => model.model_name)).toEqual(['wanx2.1-imageedit']);
    expect(byAlias[0].aliases).toContain('wanx2.1-i2i-turbo');
    expect((await models('?model_name=wanx2.1-imageedit')).map((model) => model.model_name)).toEqual(['wanx2.1-imageedit']);
    expect(await models('?model_name=no-such-model')).toEqual([]);
  });

  it('filters by service_name, and by provider_name as Atelier\'s id or AOG\'s per-service name', async () => {
    const video = await models('?service_name=image-to-video');
    expect(video.length).toBeGreaterThan(1);
    expect(video.every((model) => model.service_name === 'image-to-video')).toBe(true);
    const aliyun = await models('?provider_name=aliyun');
    expect(new Set(aliyun.map((model) => model.provider_name))).toEqual(new Set(['remote_aliyun_image-to-image', 'remote_aliyun_image-to-video']));
    const aliyunVideo = await models('?provider_name=remote_aliyun_image-to-video');
    expect(aliyunVideo.length).toBeGreaterThan(0);
    expect(aliyunVideo.every((model) => model.provider_name === 'remote_aliyun_image-to-video')).toBe(true);
    expect((await models('?provider_name=remote_aliyun_image-to-image&service_name=image-to-video'))).toEqual([]);
    expect(await models('?provider_name=acme')).toEqual([]);
    const combined = await models('?provider_name=aliyun&model_name=wanx2.1-i2i-turbo&service_name=image-to-image');
    expect(combined.map((model) => model.model_name)).toEqual(['wanx2.1-imageedit']);
  });

  it('shows a provider\'s models as downloaded once it is configured, and not_configured again after its removal', async () => {
    expect((await installAliyun(harness)).status).toBe(200);
    expect((await models('?provider_name=aliyun')).every((model) => model.status === 'downloaded')).toBe(true);
    expect((await deleteProvider(harness, { provider_name: 'aliyun' })).status).toBe(200);
    expect((await models('?provider_name=aliyun')).every((model) => model.status === 'not_configured')).toBe(true);
  });
});

describe('no control-plane or catalogue route returns a key', () => {
  const secrets = {
    aliyun: 'sk-leak-aliyun-0123456789', openai: 'sk-leak-openai-0123456789', stepfun: 'sk-leak-stepfun-0123456789',
    tencentId: 'AKIDleaktencent0123456789', tencentKey: 'leak-tencent-secret-0123456789', environment: 'sk-leak-environment-0123456789',
  };
  let harness: Harness;
  const bodies: string[] = [];
  beforeAll(async () => {
    harness = await createTestApp({ env: { STEPFUN_API_KEY: secrets.environment, STEPFUN_IGNORE_RETIREMENT: '1' } });
    const install = (flavor: string, authKey: Record<string, string>) => harness.post('/aog/v0.2/service/install', { service_name: 'image-to-image', api_flavor: flavor, auth_key: JSON.stringify(authKey) });
    for (const response of [
      await install('aliyun', { api_key: secrets.aliyun }),
      await install('openai', { api_key: secrets.openai }),
      await install('stepfun', { api_key: secrets.stepfun }),
      await install('tencent', { secret_id: secrets.tencentId, secret_key: secrets.tencentKey }),
    ]) {
      expect(response.status).toBe(200);
      bodies.push(await response.text());
    }
    for (const path of [
      '/aog/v0.2/service_provider', '/aog/v0.2/service_provider/detail', '/aog/v0.2/service_provider/detail?api_flavor=tencent',
      '/aog/v0.2/service_provider/detail?provider_name=remote_openai_image-to-image', '/aog/v0.2/service_provider/detail?provider_name=remote_stepfun_image-to-image',
      '/aog/v0.2/service_provider/detail?provider_name=nothing', '/aog/v0.2/model', '/aog/v0.2/model?provider_name=tencent', '/aog/v0.2/service',
      '/v1/providers', '/v1/models',
    ]) bodies.push(await (await harness.app.request(path)).text());
    for (const name of ['remote_tencent_image-to-image', 'stepfun', 'stepfun', 'openai', 'aliyun', 'acme']) bodies.push(await (await deleteProvider(harness, { provider_name: name })).text());
  });
  afterAll(() => harness.close());

  it('keeps every stored or environment secret out of every answer', () => {
    expect(bodies.length).toBeGreaterThan(15);
    for (const body of bodies) for (const secret of Object.values(secrets)) expect(body).not.toContain(secret);
  });

  it('really had the secrets configured (the grep above is not vacuous)', async () => {
    expect(harness.context.catalog.isConfigured('stepfun')).toBe(true);
    expect(bodies.some((body) => body.includes('remote_tencent_image-to-image'))).toBe(true);
  });
});

describe('the embedded engine\'s listed provider name', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(() => harness.close());

  it('is one remote_service_provider accepts', async () => {
    const listing = (await (await harness.app.request('/aog/v0.2/service_provider?service_name=image-to-image&service_source=local')).json()) as { data: Array<{ provider_name: string }> };
    const name = listing.data[0].provider_name;
    expect(name).toBe('local_atelier_image-to-image');
    const photo = (await makePhotoLikeImage(64, 48, 'png')).toString('base64');
    const response = await harness.post('/aog/v0.2/services/image-to-image', { image: photo, image_type: 'base64', prompt: 'watercolor', remote_service_provider: name });
    expect(response.status, await response.clone().text()).toBe(200);
  });
});
