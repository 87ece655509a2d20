/**
 * Differences between Atelier's AOG-compatible API and the contract (shared spec aog-compat.md) found in a review,
 * each pinned by the section it comes from.
 */
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config/read-settings.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { createTestApp } from '../support/test-context.ts';

type Body = Record<string, unknown>;
type ProviderEntry = { provider_name: string; service_name: string; service_source: string; flavor: string };

async function answer(response: Response): Promise<{ status: number; body: Body }> {
  return { status: response.status, body: (await response.json()) as Body };
}

/** A GET carrying a JSON body, as AOG's Go client sends its filters (fetch cannot send a body on GET). */
function getWithJsonBody(url: string, payload: unknown): Promise<{ status: number; body: Body }> {
  const text = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const sent = httpRequest(url, { method: 'GET', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (response) => {
      let received = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (received += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(received) as Body }));
    });
    sent.on('error', reject);
    sent.end(text);
  });
}

describe('aog-compat §9: GET /aog/v0.2/service_provider honours its filters', () => {
  let directory: string;
  let server: RunningServer;
  const route = () => `${server.url}/aog/v0.2/service_provider`;
  const names = (body: Body) => (body.data as ProviderEntry[]).map((entry) => entry.provider_name).sort();

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'atelier-contract-review-'));
    server = await startServer(readSettings(['--port', '0', '--host', '127.0.0.1', '--data-dir', directory, '--log-level', 'silent'], {}), { logger: silentLogger });
    const installed = await fetch(`${server.url}/aog/v0.2/service/install`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service_name: 'image-to-image', service_source: 'remote', api_flavor: 'aliyun', auth_key: JSON.stringify({ api_key: 'sk-contract-review-0123' }) }),
    });
    expect(installed.status).toBe(200);
  });
  afterAll(async () => {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('filters by service_name, service_source, provider_name and api_flavor sent as a JSON body on the GET', async () => {
    const all = await getWithJsonBody(route(), {});
    expect(names(all.body)).toEqual(expect.arrayContaining(['remote_aliyun_image-to-image', 'local_atelier_image-to-image', 'local_atelier_image-to-video']));

    const video = await getWithJsonBody(route(), { service_name: 'image-to-video' });
    expect(video.status).toBe(200);
    expect((video.body.data as ProviderEntry[]).every((entry) => entry.service_name === 'image-to-video')).toBe(true);
    expect(names(video.body)).toContain('remote_aliyun_image-to-video');

    const remote = await getWithJsonBody(route(), { service_source: 'remote' });
    expect((remote.body.data as ProviderEntry[]).every((entry) => entry.service_source === 'remote')).toBe(true);
    expect(names(remote.body)).toEqual(['remote_aliyun_image-to-image', 'remote_aliyun_image-to-video']);

    const one = await getWithJsonBody(route(), { provider_name: 'remote_aliyun_image-to-image' });
    expect(names(one.body)).toEqual(['remote_aliyun_image-to-image']);

    const flavor = await getWithJsonBody(route(), { api_flavor: 'aliyun', service_name: 'image-to-image' });
    expect(names(flavor.body)).toEqual(['remote_aliyun_image-to-image']);
  });

  it('answers an empty list (not everything) when nothing matches, and treats empty strings as no filter', async () => {
    const none = await getWithJsonBody(route(), { provider_name: 'remote_tencent_image-to-image' });
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ business_code: 20000, data: [] });
    const empty = await getWithJsonBody(route(), { service_name: '', service_source: '', provider_name: '', api_flavor: '' });
    expect(names(empty.body)).toEqual(names((await getWithJsonBody(route(), {})).body));
  });

  it('accepts the same filters as a query string', async () => {
    const { status, body } = await answer(await fetch(`${route()}?service_source=remote&service_name=image-to-video`));
    expect(status).toBe(200);
    expect(names(body)).toEqual(['remote_aliyun_image-to-video']);
  });

  it('refuses a filter that is not a string with 400 instead of ignoring it', async () => {
    const { status, body } = await getWithJsonBody(route(), { service_name: ['image-to-image'] });
    expect(status).toBe(400);
    expect(body.business_code).toBe(40061);
    expect(body.message).toContain('service_name');
  });
});

describe('aog-compat §2.1: GET /engine/version[?engine_name=]', () => {
  let harness: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(() => harness.close());

  it('answers only the named engine, NOT_FOUND for an engine Atelier does not have (as AOG and /engine/health do)', async () => {
    const all = await answer(await harness.app.request('/engine/version'));
    const ownVersion = (all.body.data as Record<string, string>)['atelier-local'];
    expect(ownVersion).toMatch(/\d/);
    const own = await answer(await harness.app.request('/engine/version?engine_name=atelier-local'));
    expect(own.body).toEqual({ business_code: 70000, message: 'version interface call success', data: { 'atelier-local': ownVersion } });
    const other = await answer(await harness.app.request('/engine/version?engine_name=ollama'));
    expect(other.status).toBe(200);
    expect(other.body.data).toEqual({ ollama: 'NOT_FOUND' });
  });
});

describe('aog-compat §1: AOG_HOST as AOG writes it ([scheme://]host[:port])', () => {
  it('binds the host it names and, when it has one, its port; returned URLs stay valid', () => {
    const hostAndPort = readSettings([], { AOG_HOST: '127.0.0.1:17777' });
    expect(hostAndPort).toMatchObject({ host: '127.0.0.1', port: 17777, publicUrl: 'http://127.0.0.1:17777' });
    const withScheme = readSettings([], { AOG_HOST: 'http://0.0.0.0:16688' });
    expect(withScheme).toMatchObject({ host: '0.0.0.0', port: 16688, publicUrl: 'http://127.0.0.1:16688' });
    const ipv6 = readSettings([], { AOG_HOST: '[::1]:16690' });
    expect(ipv6).toMatchObject({ host: '::1', port: 16690, publicUrl: 'http://[::1]:16690' });
  });

  it('keeps a bare host working, and lets --port or ATELIER_PORT win over the port in AOG_HOST', () => {
    expect(readSettings([], { AOG_HOST: '0.0.0.0' })).toMatchObject({ host: '0.0.0.0', port: 16688 });
    expect(readSettings([], { AOG_HOST: '::1' })).toMatchObject({ host: '::1', port: 16688 });
    expect(readSettings([], { AOG_HOST: '127.0.0.1:17777', ATELIER_PORT: '18888' }).port).toBe(18888);
    expect(readSettings(['--port', '19999'], { AOG_HOST: '127.0.0.1:17777' }).port).toBe(19999);
  });

  it('refuses an AOG_HOST it cannot read instead of binding something else', () => {
    expect(() => readSettings([], { AOG_HOST: '127.0.0.1:notaport' })).toThrow('AOG_HOST');
    expect(() => readSettings([], { AOG_HOST: 'https://127.0.0.1:443' })).toThrow('AOG_HOST');
  });
});

describe('aog-compat §12: POST /aog/v0.2/service/install without a key answers AOG\'s 20006', () => {
  let harness: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(() => harness.close());

  it('refuses a remote install with no auth_key, or an empty one, with 400 and business code 20006 "provider api auth info lost"', async () => {
    for (const authKey of [undefined, '']) {
      const { status, body } = await answer(await harness.post('/aog/v0.2/service/install', {
        service_name: 'image-to-image', service_source: 'remote', api_flavor: 'aliyun', auth_type: 'apikey', ...(authKey === undefined ? {} : { auth_key: authKey }),
      }));
      expect(status, JSON.stringify(body)).toBe(400);
      expect(body.business_code).toBe(20006);
      expect(body.message).toMatch(/^provider api auth info lost/);
      expect(body.message).toContain('auth_key');
    }
    expect(harness.context.catalog.isConfigured('aliyun')).toBe(false);
  });
});
