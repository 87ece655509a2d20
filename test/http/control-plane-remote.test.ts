/**
 * The control plane changes stored keys and service policies only for requests from this machine: with the server
 * bound to a network address, a client on the LAN may generate images but not replace or remove the keys. A real
 * server on 0.0.0.0, reached once through loopback and once through this machine's own network address (a peer
 * address that is not loopback).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config/read-settings.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { startServer } from '../../src/server/start-server.ts';

/** This machine's first non-internal IPv4 address, if it has one. */
const networkAddress = Object.values(networkInterfaces()).flat().find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;

let directory: string;
let server: Awaited<ReturnType<typeof startServer>>;
let port: number;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-control-plane-remote-'));
  server = await startServer(readSettings(['--port', '0', '--host', '0.0.0.0', '--data-dir', directory, '--input-root', directory, '--log-level', 'silent'], {}), { logger: silentLogger });
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server?.stop();
  await rm(directory, { recursive: true, force: true });
});

const install = (host: string) => fetch(`http://${host}:${port}/aog/v0.2/service/install`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ service_name: 'image-to-image', service_source: 'remote', api_flavor: 'aliyun', auth_key: '{"api_key":"sk-remote-install-0123456789"}' }),
});

describe.skipIf(networkAddress === undefined)(`control plane from another address${networkAddress === undefined ? ' (skipped: this machine has no non-loopback IPv4 address)' : ''}`, () => {
  it('refuses an install, a policy change, a provider removal, creation or update and an import from a non-loopback peer with 403, and changes nothing', async () => {
    const host = networkAddress!;
    const refused = await install(host);
    const body = (await refused.json()) as Record<string, unknown>;
    expect(refused.status, JSON.stringify(body)).toBe(403);
    expect(body).toMatchObject({ code: 'control_plane_remote_forbidden', retryable: false });
    expect(String(body.message)).toContain(host);
    await expect(readFile(join(directory, 'config.json'), 'utf8')).rejects.toThrow();

    const policy = await fetch(`http://${host}:${port}/aog/v0.2/service`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service_name: 'image-to-image', hybrid_policy: 'always_remote' }) });
    expect(policy.status).toBe(403);
    const removal = await fetch(`http://${host}:${port}/aog/v0.2/service_provider`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider_name: 'aliyun' }) });
    expect(removal.status).toBe(403);
    const creation = await fetch(`http://${host}:${port}/aog/v0.2/service_provider`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service_name: 'image-to-image', api_flavor: 'aliyun', auth_key: '{"api_key":"sk-remote-create-0123456789"}' }) });
    expect(creation.status).toBe(403);
    const update = await fetch(`http://${host}:${port}/aog/v0.2/service_provider`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider_name: 'aliyun', desc: 'from another machine' }) });
    expect(update.status).toBe(403);
    expect(((await update.json()) as Record<string, unknown>).code).toBe('control_plane_remote_forbidden');
    const imported = await fetch(`http://${host}:${port}/aog/v0.2/service/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version: 'v0.7', services: { 'image-to-image': { hybrid_policy: 'always_remote' } } }) });
    expect(imported.status).toBe(403);
    await expect(readFile(join(directory, 'config.json'), 'utf8')).rejects.toThrow();
  });

  it('still answers reads (the export too) and generation routes from that peer', async () => {
    const host = networkAddress!;
    expect((await fetch(`http://${host}:${port}/aog/v0.2/service_provider`)).status).toBe(200);
    expect((await fetch(`http://${host}:${port}/aog/v0.2/service`)).status).toBe(200);
    // Export is a read sent as a POST; it never holds a key, so another machine may read it like the listings.
    const exported = await fetch(`http://${host}:${port}/aog/v0.2/service/export`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(exported.status).toBe(200);
    expect(((await exported.json()) as { version: string }).version).toBe('v0.7');
    expect((await fetch(`http://${host}:${port}/health`)).status).toBe(200);
  });
});

describe('control plane from this machine', () => {
  it('accepts an install through loopback', async () => {
    const accepted = await install('127.0.0.1');
    expect(accepted.status, await accepted.clone().text()).toBe(200);
    expect(await readFile(join(directory, 'config.json'), 'utf8')).toContain('sk-remote-install-0123456789');
  });
});
