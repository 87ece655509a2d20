/**
 * AOG's `.aog` files through the control plane (aog-compat §9, §10): `POST /aog/v0.2/service/export` answers what this
 * Atelier has, never a key; `POST /aog/v0.2/service/import` applies a file all or nothing, storing keys exactly as an
 * install does.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportCommand } from '../../src/cli/commands/export-command.ts';
import { importCommand } from '../../src/cli/commands/import-command.ts';
import { runCommandInProcess } from '../support/run-command-in-process.ts';
import { createTestApp } from '../support/test-context.ts';

type Harness = Awaited<ReturnType<typeof createTestApp>>;
type Body = Record<string, any>;

const aliyunKey = 'sk-export-import-aliyun-0123456789';
const tencentSecret = 'tencent-secret-key-0123456789';

async function answer(response: Response): Promise<{ status: number; body: Body; text: string }> {
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Body, text };
}

const readConfig = (harness: Harness) => readFile(join(harness.dataDirectory, 'config.json'), 'utf8').catch(() => '{}');
const exportFrom = async (harness: Harness, filters: Body = {}) => answer(await harness.post('/aog/v0.2/service/export', filters));
const importInto = async (harness: Harness, file: unknown) => answer(await harness.post('/aog/v0.2/service/import', file));
const configured = async (harness: Harness, id: string) => {
  const { body } = await answer(await harness.app.request('/v1/providers'));
  return (body.providers as Array<{ id: string; configured: boolean }>).find((provider) => provider.id === id)?.configured;
};

/** A `.aog` file as Atelier exports it with aliyun configured, with the keys the test fills in. */
function aogFile(version: string, providers: Body, services: Body = {}): Body {
  return { version, services, service_providers: providers };
}
function aliyunEntry(service: string, authKey: string): Body {
  return {
    service_name: service, service_source: 'remote', desc: 'Alibaba Cloud DashScope', api_flavor: 'aliyun', method: 'POST',
    url: 'https://dashscope.aliyuncs.com/api/v1/services/aigc/image2image/image-synthesis', auth_type: 'apikey', auth_key: authKey, models: ['wanx2.1-imageedit'],
  };
}

describe('POST /aog/v0.2/service/export', () => {
  let source: Harness;
  beforeAll(async () => {
    source = await createTestApp();
    const installed = await source.post('/aog/v0.2/service/install', { service_name: 'image-to-image', api_flavor: 'aliyun', auth_key: JSON.stringify({ api_key: aliyunKey }) });
    expect(installed.status).toBe(200);
    const policy = await source.app.request('/aog/v0.2/service', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service_name: 'image-to-image', hybrid_policy: 'always_local' }) });
    expect(policy.status).toBe(200);
  });
  afterAll(() => source.close());

  it('answers the .aog object itself (as AOG does, no envelope), with AOG\'s fields and never a key', async () => {
    const { status, body, text } = await exportFrom(source);
    expect(status).toBe(200);
    expect(text).not.toContain(aliyunKey);
    expect(text).not.toContain('sk-');
    expect(Object.keys(body).sort()).toEqual(['service_providers', 'services', 'version']);
    expect(body.version).toBe('v0.7');
    expect(body.services['image-to-image']).toEqual({
      service_providers: { local: 'local_atelier_image-to-image', remote: 'remote_aliyun_image-to-image' }, hybrid_policy: 'always_local',
    });
    expect(body.services['image-to-video']).toEqual({
      service_providers: { local: 'local_atelier_image-to-video', remote: 'remote_aliyun_image-to-video' }, hybrid_policy: 'default',
    });
    const aliyun = body.service_providers['remote_aliyun_image-to-image'];
    expect(Object.keys(aliyun).sort()).toEqual(['api_flavor', 'auth_key', 'auth_type', 'desc', 'method', 'models', 'service_name', 'service_source', 'url']);
    expect(aliyun).toMatchObject({
      service_name: 'image-to-image', service_source: 'remote', api_flavor: 'aliyun', method: 'POST',
      url: 'https://dashscope.aliyuncs.com/api/v1/services/aigc/image2image/image-synthesis', auth_type: 'apikey', auth_key: '',
    });
    expect(aliyun.models).toContain('wanx2.1-imageedit');
    expect(body.service_providers['remote_aliyun_image-to-video'].url).toBe('https://dashscope.aliyuncs.com/api/v1/services/aigc/video-generation/video-synthesis');
    expect(body.service_providers['local_atelier_image-to-image']).toMatchObject({ service_source: 'local', auth_type: 'none', auth_key: '' });
    // Only configured providers, as the service_provider listing gives them.
    const listed = (await answer(await source.app.request('/aog/v0.2/service_provider'))).body.data as Array<{ provider_name: string }>;
    expect(Object.keys(body.service_providers).sort()).toEqual(listed.map((entry) => entry.provider_name).sort());
  });

  it('narrows to a service, a provider or a model (an alias names its model), as a body or a query string', async () => {
    const video = (await exportFrom(source, { service_name: 'image-to-video' })).body;
    expect(Object.keys(video.services)).toEqual(['image-to-video']);
    expect(Object.values(video.service_providers).map((entry: any) => entry.service_name)).toEqual(['image-to-video', 'image-to-video']);

    const provider = (await exportFrom(source, { provider_name: 'remote_aliyun_image-to-image' })).body;
    expect(Object.keys(provider.service_providers)).toEqual(['remote_aliyun_image-to-image']);
    expect(Object.keys(provider.services)).toEqual(['image-to-image']);

    const model = (await exportFrom(source, { model_name: 'wanx2.1-i2i-turbo' })).body;
    expect(Object.keys(model.service_providers)).toEqual(['remote_aliyun_image-to-image']);
    expect(model.service_providers['remote_aliyun_image-to-image'].models).toEqual(['wanx2.1-imageedit']);

    const query = await answer(await source.app.request('/aog/v0.2/service/export?service_name=image-to-video', { method: 'POST' }));
    expect(Object.keys(query.body.services)).toEqual(['image-to-video']);

    const none = (await exportFrom(source, { provider_name: 'remote_nowhere_image-to-image' })).body;
    expect(none).toEqual({ version: 'v0.7', services: {}, service_providers: {} });
  });

  it('refuses a service Atelier does not serve (404 10011) and a filter that is not a string (400)', async () => {
    const chat = await exportFrom(source, { service_name: 'chat' });
    expect(chat.status).toBe(404);
    expect(chat.body.business_code).toBe(10011);
    const notString = await exportFrom(source, { model_name: 5 });
    expect(notString.status).toBe(400);
    expect(notString.body.code).toBe('parameter_invalid');
  });

  it('round-trips into a fresh data dir: the policies come back, no key is written, and the answer says aliyun needs one', async () => {
    const exported = (await exportFrom(source)).body;
    const target = await createTestApp();
    try {
      const imported = await importInto(target, exported);
      expect(imported.status, imported.text).toBe(200);
      expect(imported.body).toMatchObject({ business_code: 10000, message: 'service interface call success' });
      expect(target.context.defaultPolicy('image-to-image')).toBe('always_local');
      expect(target.context.defaultPolicy('image-to-video')).toBe('default');
      const config = JSON.parse(await readConfig(target));
      expect(config.services['image-to-image'].hybrid_policy).toBe('always_local');
      expect(config.providers ?? {}).toEqual({});
      expect(await configured(target, 'aliyun')).toBe(false);
      const warnings = imported.body.warnings as Array<{ feature: string; details: string }>;
      expect(warnings.some((warning) => warning.feature === 'service_providers.remote_aliyun_image-to-image' && warning.details.includes('auth_key'))).toBe(true);
      // Exported again, the target says the same about policies.
      const again = (await exportFrom(target)).body;
      expect(again.services['image-to-image'].hybrid_policy).toBe('always_local');
    } finally {
      await target.close();
    }
  });
});

describe('POST /aog/v0.2/service/import', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(() => harness.close());

  it('refuses a version other than v0.7 or v0.6 with 422 10014, writing nothing', async () => {
    for (const version of ['v0.5', '0.2', 'v0.8', '', 7, undefined]) {
      const file = { ...aogFile('', { 'remote_aliyun_image-to-image': aliyunEntry('image-to-image', JSON.stringify({ api_key: aliyunKey })) }), version };
      const { status, body, text } = await importInto(harness, file);
      expect(status, `${String(version)}: ${text}`).toBe(422);
      expect(body).toMatchObject({ business_code: 10014, code: 'aog_version_mismatch' });
      expect(body.message).toContain('aog version not match');
      expect(text).not.toContain(aliyunKey);
    }
    expect(await readConfig(harness)).toBe('{}');
  });

  it('refuses a body that is not a JSON object', async () => {
    const { status, body } = await importInto(harness, '[1,2]');
    expect(status).toBe(400);
    expect(body.business_code).toBe(40003);
  });

  it('refuses the whole file when one entry is invalid, naming it, and writes nothing (keys, policies)', async () => {
    const file = aogFile('v0.7', {
      'remote_aliyun_image-to-image': aliyunEntry('image-to-image', JSON.stringify({ api_key: aliyunKey })),
      'remote_tencent_image-to-image': { service_name: 'image-to-image', api_flavor: 'tencent', auth_type: 'token', auth_key: JSON.stringify({ secret_id: 'id-only' }) },
    }, { 'image-to-image': { service_providers: { local: 'local_atelier_image-to-image' }, hybrid_policy: 'always_remote' } });
    const { status, body, text } = await importInto(harness, file);
    expect(status).toBe(400);
    expect(body.code).toBe('parameter_invalid');
    expect(body.message).toContain('service_providers.remote_tencent_image-to-image.auth_key.secret_key');
    expect(text).not.toContain(aliyunKey);
    expect(await readConfig(harness)).toBe('{}');
    expect(harness.context.catalog.isConfigured('aliyun')).toBe(false);
    expect(harness.context.defaultPolicy('image-to-image')).toBe('default');
  });

  it('refuses a setting the provider itself refuses (checked as install checks it), naming the entry', async () => {
    const file = aogFile('v0.7', { mine: aliyunEntry('image-to-image', JSON.stringify({ api_key: aliyunKey, base_url: 'ftp://example.com' })) });
    const { status, body } = await importInto(harness, file);
    expect(status).toBe(400);
    expect(body.message).toContain('service_providers.mine.auth_key.base_url');
    expect(await readConfig(harness)).toBe('{}');
  });

  it('refuses a key for a flavor Atelier cannot use, an invalid policy, and two different keys for one provider', async () => {
    const flavor = await importInto(harness, aogFile('v0.7', { x: { service_name: 'image-to-image', api_flavor: 'baidu', auth_key: '{"api_key":"k"}' } }));
    expect(flavor.status).toBe(400);
    expect(flavor.body.message).toContain('service_providers.x.api_flavor');

    const policy = await importInto(harness, aogFile('v0.7', {}, { 'image-to-video': { hybrid_policy: 'sometimes' } }));
    expect(policy.status).toBe(400);
    expect(policy.body.business_code).toBe(10016);
    expect(policy.body.message).toContain('services.image-to-video');

    const twice = await importInto(harness, aogFile('v0.7', {
      'remote_aliyun_image-to-image': aliyunEntry('image-to-image', JSON.stringify({ api_key: 'sk-first-0123456789' })),
      'remote_aliyun_image-to-video': aliyunEntry('image-to-video', JSON.stringify({ api_key: 'sk-second-0123456789' })),
    }));
    expect(twice.status).toBe(400);
    expect(twice.body.message).toContain('remote_aliyun_image-to-video');
    expect(twice.text).not.toContain('sk-second');
    expect(await readConfig(harness)).toBe('{}');
  });

  it('stores keys exactly as an install does: config.json 0600, applied at once, and the export still has none', async () => {
    const file = aogFile('v0.7', {
      'remote_aliyun_image-to-image': aliyunEntry('image-to-image', JSON.stringify({ api_key: aliyunKey })),
      'remote_aliyun_image-to-video': { ...aliyunEntry('image-to-video', JSON.stringify({ api_key: aliyunKey })), url: '' },
      'remote_tencent_image-to-image': { service_name: 'image-to-image', service_source: 'remote', api_flavor: 'tencent', auth_type: 'token', auth_key: JSON.stringify({ secret_id: 'tencent-id', secret_key: tencentSecret }), models: [] },
    }, { 'image-to-video': { service_providers: { local: 'local_atelier_image-to-video', remote: 'remote_aliyun_image-to-video' }, hybrid_policy: 'always_remote' } });
    const { status, body, text } = await importInto(harness, file);
    expect(status, text).toBe(200);
    expect(body.business_code).toBe(10000);
    expect(text).not.toContain(aliyunKey);
    expect(text).not.toContain(tencentSecret);
    expect(body.data).toEqual({ providers: ['aliyun', 'tencent'], services: { 'image-to-video': 'always_remote' } });
    const configPath = join(harness.dataDirectory, 'config.json');
    expect((await stat(configPath)).mode & 0o777).toBe(0o600);
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    expect(config.providers.aliyun.api_key).toBe(aliyunKey);
    expect(config.providers.tencent).toEqual({ secret_id: 'tencent-id', secret_key: tencentSecret });
    expect(await configured(harness, 'aliyun')).toBe(true);
    expect(await configured(harness, 'tencent')).toBe(true);
    expect(harness.context.defaultPolicy('image-to-video')).toBe('always_remote');
    const exported = await exportFrom(harness);
    expect(exported.text).not.toContain(aliyunKey);
    expect(exported.text).not.toContain(tencentSecret);
    expect(exported.body.service_providers['remote_tencent_image-to-image'].auth_type).toBe('token');
  });

  it('leaves stored settings alone for entries without a key', async () => {
    const before = await readConfig(harness);
    const { status } = await importInto(harness, aogFile('v0.7', { 'remote_aliyun_image-to-image': aliyunEntry('image-to-image', '') }));
    expect(status).toBe(200);
    expect(await readConfig(harness)).toBe(before);
    expect(harness.context.catalog.isConfigured('aliyun')).toBe(true);
  });

  it('warns about a url Atelier does not call instead of ignoring it silently', async () => {
    const entry = { ...aliyunEntry('image-to-image', ''), url: 'https://dashscope-intl.aliyuncs.com/api/v1/services/aigc/image2image/image-synthesis' };
    const { status, body } = await importInto(harness, aogFile('v0.7', { 'remote_aliyun_image-to-image': entry }));
    expect(status).toBe(200);
    expect((body.warnings as Array<{ feature: string; details: string }>).find((warning) => warning.details.includes('dashscope-intl'))?.details).toContain('base_url');
  });
});

describe('POST /aog/v0.2/service/import: descriptions and settings kept under an alias', () => {
  const intlBaseUrl = 'https://dashscope-intl.aliyuncs.com/api/v1';
  /** The file exported by `source`, with aliyun's key put back in each of its entries, as the import warning says. */
  const withAliyunKey = (file: Body) => ({
    ...file,
    service_providers: Object.fromEntries(Object.entries(file.service_providers as Body).map(([name, entry]) => [name, name.startsWith('remote_aliyun_') ? { ...entry, auth_key: JSON.stringify({ api_key: aliyunKey }) } : entry])),
  });

  it('round-trips a stored description: export, key added, import elsewhere, and the listing there shows it', async () => {
    const source = await createTestApp();
    const target = await createTestApp();
    try {
      const created = await source.post('/aog/v0.2/service_provider', { service_name: 'image-to-image', api_flavor: 'aliyun', auth_key: JSON.stringify({ api_key: aliyunKey }), desc: 'Beijing key' });
      expect(created.status).toBe(200);
      const exported = (await exportFrom(source)).body;
      expect(exported.service_providers['remote_aliyun_image-to-video'].desc).toBe('Beijing key');
      const imported = await importInto(target, withAliyunKey(exported));
      expect(imported.status, imported.text).toBe(200);
      expect(imported.body.data.providers).toEqual(['aliyun']);
      expect(JSON.parse(await readConfig(target)).provider_descriptions).toEqual({ aliyun: 'Beijing key' });
      expect((await exportFrom(target)).body.service_providers['remote_aliyun_image-to-image'].desc).toBe('Beijing key');
      expect(target.context.providerDescription('aliyun')).toBe('Beijing key');
    } finally {
      await source.close();
      await target.close();
    }
  });

  it('refuses a desc POST and PUT would refuse (too long, not a string), naming the entry, and writes nothing', async () => {
    const harness = await createTestApp();
    try {
      for (const desc of ['x'.repeat(501), 42, ['Beijing key']]) {
        const file = aogFile('v0.7', {
          'remote_aliyun_image-to-image': { ...aliyunEntry('image-to-image', JSON.stringify({ api_key: aliyunKey })), desc },
        }, { 'image-to-image': { hybrid_policy: 'always_remote' } });
        const { status, body, text } = await importInto(harness, file);
        expect(status, text).toBe(400);
        expect(body.code).toBe('parameter_invalid');
        expect(body.message).toContain('service_providers.remote_aliyun_image-to-image.desc');
        expect(await readConfig(harness)).toBe('{}');
      }
      expect(harness.context.catalog.isConfigured('aliyun')).toBe(false);
    } finally {
      await harness.close();
    }
  });

  it('stores the first desc of a provider\'s entries, with a warning for a different one; an entry without a key stores none', async () => {
    const harness = await createTestApp();
    try {
      const key = JSON.stringify({ api_key: aliyunKey });
      const imported = await importInto(harness, aogFile('v0.7', {
        'remote_aliyun_image-to-image': { ...aliyunEntry('image-to-image', key), desc: '' },
        'remote_aliyun_image-to-video': { ...aliyunEntry('image-to-video', key), desc: 'Beijing key' },
        'remote_aliyun_other': { ...aliyunEntry('image-to-image', key), desc: 'Singapore key' },
      }));
      expect(imported.status, imported.text).toBe(200);
      expect(JSON.parse(await readConfig(harness)).provider_descriptions).toEqual({ aliyun: 'Beijing key' });
      const warnings = imported.body.warnings as Array<{ feature: string; details: string }>;
      expect(warnings.find((warning) => warning.feature === 'service_providers.remote_aliyun_other.desc')?.details).toContain('one description per provider');

      const before = await readConfig(harness);
      const keyless = await importInto(harness, aogFile('v0.7', { 'remote_aliyun_image-to-image': { ...aliyunEntry('image-to-image', ''), desc: 'Singapore key' } }));
      expect(keyless.status).toBe(200);
      expect(await readConfig(harness)).toBe(before);
    } finally {
      await harness.close();
    }
  });

  it('moves settings kept under an alias under the id before merging the key, so the old key does not stay in config.json', async () => {
    const harness = await createTestApp();
    try {
      await writeFile(join(harness.dataDirectory, 'config.json'), JSON.stringify({ providers: { dashscope: { api_key: 'sk-import-alias-old-0123', base_url: intlBaseUrl } } }), { mode: 0o600 });
      await harness.context.reloadConfiguration();
      const imported = await importInto(harness, aogFile('v0.7', { 'remote_aliyun_image-to-image': aliyunEntry('image-to-image', JSON.stringify({ api_key: aliyunKey })) }));
      expect(imported.status, imported.text).toBe(200);
      const text = await readConfig(harness);
      expect(text).not.toContain('sk-import-alias-old');
      expect(JSON.parse(text).providers).toEqual({ aliyun: { api_key: aliyunKey, base_url: intlBaseUrl } });
      expect(await configured(harness, 'aliyun')).toBe(true);
    } finally {
      await harness.close();
    }
  });
});

describe('POST /aog/v0.2/service/import: AOG\'s own files (aog-compat §10)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(() => harness.close());

  it('accepts the documented example (a chat service Atelier does not serve) with warnings and changes nothing', async () => {
    // Verbatim from aog-compat §10 (intel/aog docs, aog用法.rst).
    const example = '{"version":"v0.7",\n "services":{"chat":{"service_providers":{"local":"local_ollama_chat","remote":"remote_deepseek_chat"},"hybrid_policy":"default"}},\n "service_providers":{"local_ollama_chat":{"service_name":"chat","service_source":"local","desc":"...","api_flavor":"ollama",\n     "method":"POST","url":"http://localhost:11434/api/chat","auth_type":"none","auth_key":"","models":["qwen2.5:0.5b"]}}}';
    const { status, body } = await importInto(harness, example);
    expect(status).toBe(200);
    expect(body.business_code).toBe(10000);
    const features = (body.warnings as Array<{ feature: string; type: string }>).map((warning) => warning.feature);
    expect(features).toEqual(['services.chat', 'service_providers.local_ollama_chat']);
    expect(body.data).toEqual({ providers: [], services: {} });
    expect(await readConfig(harness)).toBe('{}');
  });

  it('accepts a v0.6 file laid out as example/image2image-web/.aog, with a warning about the version', async () => {
    const file = {
      version: 'v0.6',
      services: {
        chat: { service_providers: { local: 'local_ollama_chat' }, hybrid_policy: 'always_local' },
        'text-to-image': { service_providers: { remote: 'remote_aliyun_text_to_image' }, hybrid_policy: 'always_remote' },
        'image-to-image': { service_providers: { remote: 'remote_aliyun_image-to-image' }, hybrid_policy: 'always_remote' },
      },
      service_providers: {
        local_ollama_chat: { service_name: 'chat', service_source: 'local', desc: 'Local ollama chat/completion', api_flavor: 'ollama', method: 'POST', auth_type: 'none', auth_key: '', models: [] },
        remote_aliyun_text_to_image: { desc: 'Remote aliyun tti', service_name: 'text-to-image', service_source: 'remote', api_flavor: 'aliyun', method: 'POST', auth_type: 'none', auth_key: '', models: [] },
        'remote_aliyun_image-to-image': { desc: 'Remote aliyun i2i', service_name: 'image-to-image', service_source: 'remote', api_flavor: 'aliyun', method: 'POST', auth_type: 'apikey', auth_key: JSON.stringify({ api_key: aliyunKey }), models: [] },
      },
    };
    const { status, body, text } = await importInto(harness, file);
    expect(status, text).toBe(200);
    const warnings = body.warnings as Array<{ feature: string; details: string }>;
    expect(warnings[0]).toMatchObject({ feature: 'version' });
    expect(warnings[0].details).toContain('v0.6');
    expect(warnings.map((warning) => warning.feature)).toEqual(expect.arrayContaining(['services.chat', 'services.text-to-image', 'service_providers.local_ollama_chat', 'service_providers.remote_aliyun_text_to_image']));
    expect(body.data).toEqual({ providers: ['aliyun'], services: { 'image-to-image': 'always_remote' } });
    expect(harness.context.catalog.isConfigured('aliyun')).toBe(true);
  });
});

describe('atelier export / atelier import (the same routes, through a running server)', () => {
  let source: Harness;
  let target: Harness;
  let directory: string;
  beforeAll(async () => {
    source = await createTestApp();
    target = await createTestApp();
    directory = await mkdtemp(join(tmpdir(), 'atelier-aog-cli-'));
    await source.post('/aog/v0.2/service/install', { service_name: 'image-to-image', api_flavor: 'aliyun', auth_key: JSON.stringify({ api_key: aliyunKey }) });
    await source.app.request('/aog/v0.2/service', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service_name: 'image-to-video', hybrid_policy: 'always_local' }) });
  });
  afterAll(async () => {
    await source.close();
    await target.close();
    await rm(directory, { recursive: true, force: true });
  });

  /** Sends the command's requests to `harness` in process, as if it were the server at --server. */
  function serveWith(harness: Harness) {
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => harness.app.request(new URL(String(url)).pathname, init as RequestInit));
  }

  it('exports to a file without keys and imports it elsewhere, printing the warnings', async () => {
    const file = join(directory, '.aog');
    serveWith(source);
    const exported = await runCommandInProcess(exportCommand, ['--file', file, '--server', 'http://127.0.0.1:16688']);
    expect(exported.code, exported.stderr.join('\n')).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(aliyunKey);
    expect(JSON.parse(text).services['image-to-video'].hybrid_policy).toBe('always_local');

    serveWith(target);
    const imported = await runCommandInProcess(importCommand, [file, '--server', 'http://127.0.0.1:16688']);
    expect(imported.code, imported.stderr.join('\n')).toBe(0);
    expect(imported.stdout.join('\n')).toContain('image-to-video=always_local');
    expect(imported.stderr.some((line) => line.startsWith('warning: service_providers.remote_aliyun_image-to-image: no auth_key'))).toBe(true);
    expect(target.context.defaultPolicy('image-to-video')).toBe('always_local');
  });

  it('reports a refused file with exit 1 and the server\'s message, and a missing file argument with exit 2', async () => {
    const file = join(directory, 'old.aog');
    await writeFile(file, JSON.stringify({ version: 'v0.4', services: {}, service_providers: {} }));
    serveWith(target);
    const refused = await runCommandInProcess(importCommand, ['--file', file, '--server', 'http://127.0.0.1:16688']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.join('\n')).toContain('aog version not match');
    expect((await runCommandInProcess(importCommand, [])).code).toBe(2);
  });
});
