import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeProviderSettings, readConfigFile, type ConfigFile } from './provider-config-file.ts';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-config-file-'));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

async function withConfig(config: unknown) {
  await writeFile(join(directory, 'config.json'), JSON.stringify(config));
  return readConfigFile(directory);
}

describe('config.json service defaults', () => {
  it('reads services.<service>.fallbacks next to hybrid_policy', async () => {
    const config = await withConfig({ services: { 'image-to-image': { hybrid_policy: 'default', fallbacks: ['tencent', 'aliyun:wanx-x-painting', 'local'] } } });
    expect(config.services?.['image-to-image']?.fallbacks).toEqual(['tencent', 'aliyun:wanx-x-painting', 'local']);
  });

  it('stops at a hybrid_policy that is not a policy, instead of reading a typo as the default', async () => {
    for (const hybridPolicy of ['always-remote', '', 42, null]) {
      await expect(withConfig({ services: { 'image-to-image': { hybrid_policy: hybridPolicy } } })).rejects.toThrow(
        /config\.json: services\.image-to-image\.hybrid_policy must be one of default, always_local, always_remote/,
      );
    }
    await expect(withConfig({ services: { 'image-to-image': { hybrid_policy: 'always_remote' } } })).resolves.toBeDefined();
  });

  it('stops at a fallbacks value that is not a list of provider names, naming the key', async () => {
    for (const fallbacks of ['local', ['local tencent'], [42], ['a', 'b', 'c', 'd', 'e', 'f']]) {
      await expect(withConfig({ services: { 'image-to-video': { fallbacks } } })).rejects.toThrow(
        /config\.json: services\.image-to-video\.fallbacks must be an array of at most 5 entries, each a provider name or provider:model/,
      );
    }
  });
});

describe('config.json provider descriptions', () => {
  it('reads provider_descriptions by provider id', async () => {
    const config = await withConfig({ provider_descriptions: { aliyun: 'Beijing key' } });
    expect(config.provider_descriptions).toEqual({ aliyun: 'Beijing key' });
  });

  it('stops at a provider_descriptions value that is not an object of strings, naming the key', async () => {
    for (const descriptions of ['Beijing key', ['Beijing key'], { aliyun: 42 }, null]) {
      await expect(withConfig({ provider_descriptions: descriptions })).rejects.toThrow(/config\.json: provider_descriptions must be an object of strings by provider id/);
    }
  });
});

describe('mergeProviderSettings (install, .aog import, POST/PUT service_provider)', () => {
  const aliyun = { id: 'aliyun', aliases: ['dashscope', 'remote_aliyun_image-to-image'], settingsAliases: ['dashscope'] };
  const intlBaseUrl = 'https://dashscope-intl.aliyuncs.com/api/v1';
  const merged = (config: ConfigFile) => {
    mergeProviderSettings(config, aliyun, { api_key: 'sk-new' });
    return config.providers;
  };

  it('merges over the entry under the id, keeping its place and the other providers\' entries', () => {
    expect(Object.entries(merged({ providers: { aliyun: { api_key: 'sk-old', base_url: intlBaseUrl }, tencent: { secret_id: 'i', secret_key: 'k' } } })!))
      .toEqual([['aliyun', { api_key: 'sk-new', base_url: intlBaseUrl }], ['tencent', { secret_id: 'i', secret_key: 'k' }]]);
    expect(merged({})).toEqual({ aliyun: { api_key: 'sk-new' } });
  });

  it('moves the entry read under an alias under the id first, so its base_url stays and its key goes', () => {
    expect(merged({ providers: { dashscope: { api_key: 'sk-old', base_url: intlBaseUrl } } })).toEqual({ aliyun: { api_key: 'sk-new', base_url: intlBaseUrl } });
  });

  it('removes every other entry naming the provider (hidden behind its id, or never read), keeping the rest', () => {
    const config: ConfigFile = { providers: {
      aliyun: { api_key: 'sk-old' }, dashscope: { api_key: 'sk-hidden', base_url: intlBaseUrl }, Aliyun: { api_key: 'sk-case' }, 'remote_aliyun_image-to-image': { api_key: 'sk-aog' }, openai: { api_key: 'sk-openai' },
    } };
    expect(merged(config)).toEqual({ aliyun: { api_key: 'sk-new' }, openai: { api_key: 'sk-openai' } });
  });
});

describe('config.json outline', () => {
  it('stops at a file that is not an object, or settings that are not strings, naming the key and never quoting a value', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /must hold a JSON object such as \{"providers":\{\}\} but holds null/],
      [[], /must hold a JSON object .* but holds an array/],
      [{ providers: [] }, /providers must be an object of provider settings/],
      [{ providers: { aliyun: 'sk-secret-as-string-0123' } }, /providers\.aliyun must be an object of settings/],
      [{ providers: { stepfun: { api_key: 'sk-fine-0123', ignore_retirement: true } } }, /providers\.stepfun\.ignore_retirement must be a string .* but is boolean/],
      [{ providers: { openai: { api_key: 12345678 } } }, /providers\.openai\.api_key must be a string .* but is number/],
      [{ services: { 'image-to-image': 'always_local' } }, /services\.image-to-image must be an object/],
    ];
    for (const [config, message] of cases) {
      const refusal = await withConfig(config).then(() => undefined, (error: Error) => error.message);
      expect(refusal, JSON.stringify(config)).toMatch(message);
      expect(refusal).not.toContain('sk-secret-as-string');
      expect(refusal).not.toContain('12345678');
    }
  });

  it('says where a file stops being JSON without quoting it (the text around the fault can be part of a key)', async () => {
    await writeFile(join(directory, 'config.json'), '{\n  "providers": {"aliyun": {"api_key": sk-unquoted-secret-0123}}\n}');
    const refusal = await readConfigFile(directory).then(() => undefined, (error: Error) => error.message);
    expect(refusal).toMatch(/config\.json is not valid JSON/);
    expect(refusal).not.toContain('sk-unquoted');
    // Where the parser gives a position, it is turned into a line and column.
    await writeFile(join(directory, 'config.json'), '{\n  "providers": {"aliyun": {"api_key": "sk-unclosed-0123"}\n');
    expect(await readConfigFile(directory).then(() => undefined, (error: Error) => error.message)).toMatch(/config\.json is not valid JSON at line 3, column 1;/);
  });
});
