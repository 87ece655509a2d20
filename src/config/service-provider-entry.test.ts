import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { providerDefinitions } from '../providers/registry.ts';
import { readConfigFile } from './provider-config-file.ts';
import { createServiceProviderEntry, updateServiceProviderEntry } from './service-provider-entry.ts';

const aliyun = providerDefinitions.find((definition) => definition.capabilities.id === 'aliyun')!;
const intlBaseUrl = 'https://dashscope-intl.aliyuncs.com/api/v1';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-service-provider-entry-'));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

const writeConfig = (config: unknown) => writeFile(join(directory, 'config.json'), JSON.stringify(config), { mode: 0o600 });

describe('a change of a provider whose settings config.json keeps under an alias (aliyun read from providers.dashscope)', () => {
  it('PUT merges the new key over those settings: the base_url stays and the old key does not stay behind', async () => {
    await writeConfig({ providers: { dashscope: { api_key: 'sk-old-dashscope-0123456789', base_url: intlBaseUrl } } });
    await updateServiceProviderEntry(directory, aliyun, { settings: { api_key: 'sk-new-aliyun-0123456789' } });
    const config = await readConfigFile(directory);
    expect(config.providers).toEqual({ aliyun: { api_key: 'sk-new-aliyun-0123456789', base_url: intlBaseUrl } });
    expect(await readFile(join(directory, 'config.json'), 'utf8')).not.toContain('sk-old-dashscope');
    expect(aliyun.readSettings({ env: {}, file: config.providers ?? {} })).toMatchObject({ baseUrl: intlBaseUrl });
  });

  it('POST keeps a base_url stored there without a key, as an install keeps a stored base_url', async () => {
    await writeConfig({ providers: { dashscope: { base_url: intlBaseUrl } } });
    await createServiceProviderEntry(directory, aliyun, { settings: { api_key: 'sk-new-aliyun-0123456789' } });
    expect((await readConfigFile(directory)).providers).toEqual({ aliyun: { api_key: 'sk-new-aliyun-0123456789', base_url: intlBaseUrl } });
  });

  it('leaves an alias entry alone when the provider has an entry of its own (the one it reads)', async () => {
    await writeConfig({ providers: { aliyun: { api_key: 'sk-own-aliyun-0123456789' }, dashscope: { base_url: intlBaseUrl } } });
    await updateServiceProviderEntry(directory, aliyun, { settings: { api_key: 'sk-new-aliyun-0123456789' } });
    expect((await readConfigFile(directory)).providers).toEqual({ aliyun: { api_key: 'sk-new-aliyun-0123456789' }, dashscope: { base_url: intlBaseUrl } });
  });
});
