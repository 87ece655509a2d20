import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { providerDefinitions } from '../providers/registry.ts';
import { readConfigFile, removeProviderSettings } from './provider-config-file.ts';
import { createServiceProviderEntry, updateServiceProviderEntry } from './service-provider-entry.ts';

const aliyun = providerDefinitions.find((definition) => definition.capabilities.id === 'aliyun')!;
const intlBaseUrl = 'https://dashscope-intl.aliyuncs.com/api/v1';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-service-provider-entry-'));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

/** `ProviderCatalog.isConfiguredWith` without environment variables: config.json alone decides. */
const notByEnvironment = { isConfiguredWith: (providers: Record<string, Record<string, string>>) => aliyun.readSettings({ env: {}, file: providers }) !== undefined };
const writeConfig = (config: unknown) => writeFile(join(directory, 'config.json'), JSON.stringify(config), { mode: 0o600 });

describe('a change of a provider whose settings config.json keeps under an alias (aliyun read from providers.dashscope)', () => {
  it('PUT merges the new key over those settings: the base_url stays and the old key does not stay behind', async () => {
    await writeConfig({ providers: { dashscope: { api_key: 'sk-old-dashscope-0123456789', base_url: intlBaseUrl } } });
    await updateServiceProviderEntry(directory, aliyun, { settings: { api_key: 'sk-new-aliyun-0123456789' } }, notByEnvironment);
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

  it('removes an alias entry the provider hides behind its own (never read, but a key the user believes replaced)', async () => {
    await writeConfig({ providers: { aliyun: { api_key: 'sk-own-aliyun-0123456789' }, dashscope: { api_key: 'sk-hidden-dashscope-0123', base_url: intlBaseUrl } } });
    await updateServiceProviderEntry(directory, aliyun, { settings: { api_key: 'sk-new-aliyun-0123456789' } }, notByEnvironment);
    expect((await readConfigFile(directory)).providers).toEqual({ aliyun: { api_key: 'sk-new-aliyun-0123456789' } });
    expect(await readFile(join(directory, 'config.json'), 'utf8')).not.toContain('sk-hidden-dashscope');
  });
});

describe('PUT decides under config.json\'s lock whether the provider is configured', () => {
  const configPath = () => join(directory, 'config.json');

  it('writes nothing and answers false when a removal took the settings away after the caller\'s check', async () => {
    await writeConfig({ providers: { aliyun: { api_key: 'sk-removed-aliyun-0123456789' }, tencent: { secret_id: 'id', secret_key: 'key' } } });
    // What a DELETE does between the route's check (the catalogue still says configured) and this write.
    await removeProviderSettings(directory, (key) => key === 'aliyun');
    const afterRemoval = await readFile(configPath(), 'utf8');
    for (const change of [{ settings: { api_key: 'sk-recreated-aliyun-0123' }, description: 'Beijing key' }, { description: 'Beijing key' }, {}]) {
      expect(await updateServiceProviderEntry(directory, aliyun, change, notByEnvironment)).toBe(false);
      expect(await readFile(configPath(), 'utf8')).toBe(afterRemoval);
    }
  });

  it('does not create config.json for a provider configured nowhere', async () => {
    expect(await updateServiceProviderEntry(directory, aliyun, { description: 'Beijing key' }, notByEnvironment)).toBe(false);
    await expect(readFile(configPath(), 'utf8')).rejects.toThrow();
  });

  it('counts settings stored under an alias, and a provider the environment configures with nothing in the file', async () => {
    await writeConfig({ providers: { dashscope: { api_key: 'sk-alias-aliyun-0123456789' } } });
    expect(await updateServiceProviderEntry(directory, aliyun, { description: 'under an alias' }, notByEnvironment)).toBe(true);
    expect((await readConfigFile(directory)).provider_descriptions).toEqual({ aliyun: 'under an alias' });
    await rm(configPath());
    expect(await updateServiceProviderEntry(directory, aliyun, { description: 'from the environment' }, { isConfiguredWith: () => true })).toBe(true);
    expect(await readConfigFile(directory)).toEqual({ provider_descriptions: { aliyun: 'from the environment' } });
  });
});
