/**
 * The control plane's config.json writes with settings split between the environment and config.json: a provider
 * configured by both together (neither alone) is configured for `PUT` and `POST` too, a `DELETE` does not leave the
 * environment's invalid part alone, and a write never applies settings from an entry the provider never read.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/test-context.ts';

type Harness = Awaited<ReturnType<typeof startWith>>;

const send = (harness: Harness, method: 'POST' | 'PUT', body: unknown) => harness.app.request('/aog/v0.2/service_provider', {
  method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});
const configPath = (harness: Harness) => join(harness.dataDirectory, 'config.json');
const storedConfig = async (harness: Harness) => JSON.parse(await readFile(configPath(harness), 'utf8')) as Record<string, unknown>;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** An in-process app whose config.json holds `config` at start-up, with `env` as its environment. */
async function startWith(config: unknown, env: Record<string, string>) {
  const started = await createTestApp({ config, env });
  harness = started;
  return started;
}

describe('a provider the environment and config.json configure together', () => {
  it('Tencent with its SecretId in the environment and its SecretKey in config.json: PUT changes its desc (200)', async () => {
    const app = await startWith({ providers: { tencent: { secret_key: 'review-mixed-secret-key' } } }, { TENCENTCLOUD_SECRET_ID: 'AKIDreviewmixed' });
    expect(app.context.catalog.isConfigured('tencent')).toBe(true);
    const response = await send(app, 'PUT', { provider_name: 'tencent', desc: 'mixed' });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(JSON.parse(text).data).toEqual({ provider_name: 'tencent', configured: true });
    expect(await storedConfig(app)).toEqual({ providers: { tencent: { secret_key: 'review-mixed-secret-key' } }, provider_descriptions: { tencent: 'mixed' } });
    expect(text).not.toContain('review-mixed');
  });

  it('Tencent configured so: POST is 409 provider_already_exists, as the docs say, not a 400 about a variable', async () => {
    const app = await startWith({ providers: { tencent: { secret_key: 'review-mixed-secret-key' } } }, { TENCENTCLOUD_SECRET_ID: 'AKIDreviewmixed' });
    const response = await send(app, 'POST', {
      service_name: 'image-to-image', api_flavor: 'tencent', auth_key: JSON.stringify({ secret_id: 'AKIDreviewother', secret_key: 'review-other-secret-key' }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(409);
    expect(JSON.parse(text).code).toBe('provider_already_exists');
    expect(text).not.toContain('review-');
  });

  it('StepFun with its key in config.json and STEPFUN_IGNORE_RETIREMENT=1 in the environment: PUT changes its desc (200)', async () => {
    const app = await startWith({ providers: { stepfun: { api_key: 'sk-review-stepfun-0123456789' } } }, { STEPFUN_IGNORE_RETIREMENT: '1' });
    expect(app.context.catalog.isConfigured('stepfun')).toBe(true);
    const response = await send(app, 'PUT', { provider_name: 'stepfun', desc: 'kept past the date' });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect((await storedConfig(app)).provider_descriptions).toEqual({ stepfun: 'kept past the date' });
  });
});

describe('an install next to an entry under an alias the provider never reads', () => {
  it('does not take its base_url (the key would go to a server the user never configured), and no old key stays', async () => {
    // openai reads providers.openai only: this entry (a hand edit under an alias) was never used.
    const app = await startWith({ providers: { 'openai-compatible': { base_url: 'http://127.0.0.1:9/v1', api_key: 'sk-review-unread-0123456789' } } }, {});
    expect(app.context.catalog.isConfigured('openai')).toBe(false);
    const response = await app.post('/aog/v0.2/service/install', {
      service_name: 'image-to-image', service_source: 'remote', api_flavor: 'openai', auth_key: JSON.stringify({ api_key: 'sk-review-openai-0123456789' }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const text = await readFile(configPath(app), 'utf8');
    expect(JSON.parse(text).providers).toEqual({ openai: { api_key: 'sk-review-openai-0123456789' } });
    expect(text).not.toContain('sk-review-unread');
  });

  it('nor does a POST or a .aog import (tencent\'s region, aliyun\'s AOG-named entry)', async () => {
    const app = await startWith({ providers: {
      tencentcloud: { region: 'ap-singapore' }, 'remote_aliyun_image-to-image': { base_url: 'https://dashscope-intl.aliyuncs.com/api/v1' },
    } }, {});
    const created = await send(app, 'POST', {
      service_name: 'image-to-image', api_flavor: 'tencent', auth_key: JSON.stringify({ secret_id: 'AKIDreviewpost', secret_key: 'review-post-secret-key' }),
    });
    expect(created.status, await created.clone().text()).toBe(200);
    const imported = await app.post('/aog/v0.2/service/import', {
      version: 'v0.7', service_providers: { 'remote_aliyun_image-to-image': { service_name: 'image-to-image', api_flavor: 'aliyun', auth_key: '{"api_key":"sk-review-import-0123456789"}' } },
    });
    expect(imported.status, await imported.clone().text()).toBe(200);
    expect((await storedConfig(app)).providers).toEqual({
      tencent: { secret_id: 'AKIDreviewpost', secret_key: 'review-post-secret-key' }, aliyun: { api_key: 'sk-review-import-0123456789' },
    });
  });
});

describe('DELETE of the config.json part of a provider the environment and config.json configure together', () => {
  it('is refused with nothing written when the environment\'s part alone would stop the next start (Tencent\'s SecretId alone)', async () => {
    const app = await startWith({ providers: { tencent: { secret_key: 'review-mixed-secret-key' } } }, { TENCENTCLOUD_SECRET_ID: 'AKIDreviewmixed' });
    const before = await readFile(configPath(app), 'utf8');
    const response = await app.app.request('/aog/v0.2/service_provider', { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{"provider_name":"tencent"}' });
    const text = await response.text();
    expect(response.status, text).toBe(400);
    expect(JSON.parse(text).code).toBe('parameter_invalid');
    expect(text).toContain('TENCENTCLOUD_SECRET_KEY');
    expect(text).not.toContain('review-mixed');
    expect(await readFile(configPath(app), 'utf8')).toBe(before);
  });
});
