/**
 * Review of the config.json outline check: what earlier Atelier versions wrote is still read, and no refusal quotes
 * a value from the file (it holds keys).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readConfigFile } from './provider-config-file.ts';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-config-review-'));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

const refusalOf = async (text: string) => {
  await writeFile(join(directory, 'config.json'), text);
  return readConfigFile(directory).then(() => undefined, (error: Error) => error.message);
};

describe('config.json refusals never quote a value', () => {
  it('a file holding a bare JSON string (a key pasted over the file) is refused by its kind', async () => {
    const refusal = await refusalOf('"sk-pasted-over-the-file-0123456789"');
    expect(refusal).toMatch(/must hold a JSON object such as \{"providers":\{\}\} but holds a string/);
    expect(refusal).not.toContain('sk-pasted');
    expect(await refusalOf('12345678')).toMatch(/but holds a number/);
    expect(await refusalOf('12345678')).not.toContain('12345678');
    expect(await refusalOf('null')).toMatch(/but holds null/);
  });

  it('settings put under provider_descriptions by mistake are refused naming the entry, not quoted', async () => {
    const refusal = await refusalOf(JSON.stringify({ provider_descriptions: { aliyun: { api_key: 'sk-misplaced-settings-0123456789' } } }));
    expect(refusal).toMatch(/provider_descriptions/);
    expect(refusal).not.toContain('sk-misplaced');
  });
});

describe('config.json as earlier Atelier versions wrote it', () => {
  it('is read: install, PUT service, import, descriptions, and what a DELETE of the last provider leaves', async () => {
    for (const config of [
      { providers: { aliyun: { api_key: 'sk-a', base_url: 'https://dashscope-intl.aliyuncs.com/api/v1' } } },
      { providers: {} },
      { services: { 'image-to-image': { hybrid_policy: 'always_local' } } },
      { services: { 'image-to-video': { hybrid_policy: 'default', fallbacks: ['local'] } }, providers: { tencent: { secret_id: 'AKID', secret_key: 'k', region: 'ap-singapore' } } },
      { providers: { stepfun: { api_key: 'sk-s' } }, provider_descriptions: { stepfun: 'kept' } },
      {},
    ]) {
      expect(await refusalOf(JSON.stringify(config, null, 2) + '\n'), JSON.stringify(config)).toBeUndefined();
    }
  });
});
