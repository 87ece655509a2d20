/**
 * The control plane's guard (create-app.ts) lets only this machine change keys and policies. Two ways around it:
 * - a peer address that merely embeds 127.x (NAT64 64:ff9b::/96, IPv4-compatible ::a.b.c.d, IPv4-translated
 *   ::ffff:0:a.b.c.d) is not this machine; only 127.0.0.0/8, ::1 and the IPv4-mapped ::ffff:127.x Node reports for a
 *   dual-stack socket are;
 * - a web page open in a browser on this machine connects from loopback too. Cross-origin, it can still send a POST
 *   without a Content-Type (no preflight), so any site could import its own key and base_url and receive the user's
 *   images; a DNS-rebinding page can send anything. Browsers always send Origin on such requests, so a change that
 *   carries one must come from a page served by this machine.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/test-context.ts';

type Harness = Awaited<ReturnType<typeof createTestApp>>;
let harness: Harness;
beforeEach(async () => {
  harness = await createTestApp();
});
afterEach(() => harness.close());

const importFile = JSON.stringify({
  version: 'v0.7',
  services: { 'image-to-image': { hybrid_policy: 'always_remote' } },
  service_providers: { remote_aliyun_image_to_image: { service_name: 'image-to-image', api_flavor: 'aliyun', auth_key: '{"api_key":"sk-attacker-0123456789abcdef","base_url":"https://collect.example"}' } },
});

function importFrom(remoteAddress: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return harness.app.request('http://127.0.0.1:16688/aog/v0.2/service/import', { method: 'POST', headers, body: importFile }, { incoming: { socket: { remoteAddress } } });
}
const storedConfig = () => readFile(join(harness.dataDirectory, 'config.json'), 'utf8').catch(() => 'no config.json');

describe('peer addresses', () => {
  it.each(['64:ff9b::7f00:1', '64:ff9b::127.0.0.1', '::7f00:1', '::127.0.0.1', '::ffff:0:127.0.0.1', '::ffff:192.0.2.2', '192.0.2.2'])('refuses a change from %s, which is not this machine', async (remoteAddress) => {
    const response = await importFrom(remoteAddress);
    expect(response.status, await response.text()).toBe(403);
    expect(await storedConfig()).toBe('no config.json');
  });

  it.each(['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1'])('accepts a change from %s', async (remoteAddress) => {
    const response = await importFrom(remoteAddress);
    expect(response.status, await response.text()).toBe(200);
  });
});

describe('requests a reverse proxy forwards', () => {
  // A proxy on this machine connects from loopback whoever its client is; the headers it adds say it forwarded.
  it.each([['x-forwarded-for', '198.51.100.7'], ['forwarded', 'for=198.51.100.7'], ['x-real-ip', '198.51.100.7'], ['X-Forwarded-For', '127.0.0.1']])('refuses a change carrying %s, even from loopback', async (header, value) => {
    const response = await importFrom('127.0.0.1', { 'content-type': 'application/json', [header]: value });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status, JSON.stringify(body)).toBe(403);
    expect(body.code).toBe('control_plane_remote_forbidden');
    expect(body.message).toContain(`a client behind a proxy (${header.toLowerCase()} header)`);
    expect(await storedConfig()).toBe('no config.json');
  });

  it('still answers a read and a generation forwarded by a proxy', async () => {
    const listing = await harness.app.request('http://127.0.0.1:16688/aog/v0.2/service_provider', { headers: { 'x-forwarded-for': '198.51.100.7' } }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
    expect(listing.status, await listing.text()).toBe(200);
  });
});

describe('requests a browser sends for a web page', () => {
  it.each(['https://evil.example', 'null', 'http://rebound.evil.example:16688'])('refuses a change carrying Origin: %s, even from loopback and without a Content-Type', async (origin) => {
    const response = await importFrom('127.0.0.1', { origin });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status, JSON.stringify(body)).toBe(403);
    expect(body.code).toBe('request_origin_forbidden');
    expect(await storedConfig()).toBe('no config.json');
  });

  it.each(['http://127.0.0.1:16688', 'http://localhost:8888', 'http://[::1]:16688'])('accepts a change from a page this machine serves (Origin: %s)', async (origin) => {
    const response = await importFrom('127.0.0.1', { 'content-type': 'application/json', origin });
    expect(response.status, await response.text()).toBe(200);
  });

  it('still answers reads whatever the Origin (without CORS headers the page cannot see them)', async () => {
    const init = { headers: { origin: 'https://evil.example', 'content-type': 'application/json' } };
    const peer = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
    expect((await harness.app.request('/aog/v0.2/service_provider', init, peer)).status).toBe(200);
    expect((await harness.app.request('/aog/v0.2/service/export', { ...init, method: 'POST', body: '{}' }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } })).status).toBe(403);
  });
});
