/**
 * docs/api.md, "Requests from web pages": a page from another site may not make Atelier change anything (spend the
 * cloud keys, read local images through path inputs), and a server bound to loopback answers only to names of this
 * machine (DNS rebinding). Real servers, so the Host header is what a browser would send.
 */
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config/read-settings.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { startServer } from '../../src/server/start-server.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

type Server = Awaited<ReturnType<typeof startServer>>;
let directory: string;
let loopback: Server;
let everyInterface: Server;
let photo: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-web-page-requests-'));
  const start = (host: string, name: string) => startServer(readSettings(['--port', '0', '--host', host, '--data-dir', join(directory, name), '--input-root', directory, '--log-level', 'silent'], {}), { logger: silentLogger });
  loopback = await start('127.0.0.1', 'loopback');
  everyInterface = await start('0.0.0.0', 'every-interface');
  photo = (await makePhotoLikeImage(64, 48, 'png')).toString('base64');
});
afterAll(async () => {
  await loopback?.stop();
  await everyInterface?.stop();
  await rm(directory, { recursive: true, force: true });
});

/** One request through 127.0.0.1 with the given headers (Host included, as fetch cannot set it). */
function send(server: Server, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const port = Number(new URL(server.url).port);
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text || '{}') as Record<string, unknown> }));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

const generation = () => JSON.stringify({ image: photo, image_type: 'base64', prompt: 'watercolor' });

describe('a change sent by a web page', () => {
  it('is refused when the page comes from another site, even without a Content-Type, and no task is made', async () => {
    const host = `127.0.0.1:${new URL(loopback.url).port}`;
    const refused = await send(loopback, 'POST', '/aog/v0.2/services/image-to-image', { host, origin: 'https://evil.example' }, generation());
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.body).toMatchObject({ code: 'request_origin_forbidden', retryable: false });
    const tasks = await send(loopback, 'GET', '/v1/tasks', { host });
    expect(tasks.body.tasks ?? tasks.body.data).toEqual([]);
  });

  it('is served when the page comes from this machine', async () => {
    const host = `127.0.0.1:${new URL(loopback.url).port}`;
    const served = await send(loopback, 'POST', '/aog/v0.2/services/image-to-image', { host, origin: 'http://localhost:5173', 'content-type': 'application/json' }, generation());
    expect(served.status, JSON.stringify(served.body)).toBe(200);
  });
});

describe('the Host a request names', () => {
  it('must be this machine when the server is bound to loopback (DNS rebinding)', async () => {
    const port = new URL(loopback.url).port;
    const rebound = await send(loopback, 'GET', '/health', { host: `rebound.evil.example:${port}` });
    expect(rebound.status, JSON.stringify(rebound.body)).toBe(403);
    expect(rebound.body).toMatchObject({ code: 'request_host_forbidden' });
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `atelier.localhost:${port}`, `[::1]:${port}`]) {
      expect((await send(loopback, 'GET', '/health', { host })).status, host).toBe(200);
    }
  });

  it('may be any name when the server is bound to every interface (clients on the network use its name)', async () => {
    const port = new URL(everyInterface.url).port;
    expect((await send(everyInterface, 'GET', '/health', { host: `studio-pc.lan:${port}` })).status).toBe(200);
  });
});
