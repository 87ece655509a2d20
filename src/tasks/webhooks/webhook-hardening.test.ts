/**
 * Security review of webhook delivery: a receiver (client input) must not become a way to probe the network
 * Atelier sits in. Redirects are not followed, a receiver that never answers costs one timeout, and nothing a
 * failure records carries the URL's query (webhook tokens live there).
 */
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postWebhook } from './post-webhook.ts';

let server: Server | undefined;
const paths: string[] = [];

async function startReceiver(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer((request, response) => {
    paths.push(request.url ?? '');
    handler!(request, response);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterEach(async () => {
  paths.length = 0;
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});
const allowed = { allowPrivateAddresses: true, timeoutMilliseconds: 500 };

describe('postWebhook against hostile receivers', () => {
  it('does not follow a redirect (it could point into the local network)', async () => {
    const url = await startReceiver((_request, response) => response.writeHead(307, { location: '/internal-admin' }).end());
    await expect(postWebhook(`${url}/hook?token=s3cr3t-token`, '{}', {}, allowed)).rejects.toThrow(/HTTP 307/);
    expect(paths).toEqual(['/hook?token=s3cr3t-token']);
  });

  it('gives up on a receiver that never answers, at the timeout', async () => {
    const url = await startReceiver(() => undefined);
    const started = Date.now();
    await expect(postWebhook(`${url}/hook`, '{}', {}, allowed)).rejects.toThrow(/no answer within 500 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('records failures without the URL\'s query or credentials', async () => {
    const url = await startReceiver((_request, response) => response.writeHead(500).end('token s3cr3t-token in the body'));
    const error = await postWebhook(`${url.replace('http://', 'http://user:passw0rd@')}/hook?token=s3cr3t-token`, '{}', {}, allowed).then(
      () => undefined, (failure: unknown) => failure as Error,
    );
    expect(error?.message).toBeDefined();
    expect(error?.message).not.toMatch(/s3cr3t|passw0rd/);
    const refused = await postWebhook('http://user:passw0rd@127.0.0.1:9/hook?token=s3cr3t-token', '{}', {}, { ...allowed, allowPrivateAddresses: false })
      .then(() => undefined, (failure: unknown) => failure as Error);
    expect(refused?.message).toMatch(/loopback/);
    expect(refused?.message).not.toMatch(/s3cr3t|passw0rd/);
  });

  it('never reuses a pooled connection another request opened to a private address without the check', async () => {
    const url = await startReceiver((_request, response) => response.end('ok'));
    const byName = url.replace('127.0.0.1', 'localhost');
    await new Promise<void>((resolve, reject) => get(`${byName}/warm`, (response) => response.resume().on('end', resolve)).on('error', reject));
    await expect(postWebhook(`${byName}/hook`, '{}', {}, { allowPrivateAddresses: false, timeoutMilliseconds: 500 })).rejects.toThrow(/loopback address/);
    expect(paths).toEqual(['/warm']);
  });

  it('refuses every spelling of a private address before connecting', async () => {
    for (const url of ['http://0/', 'http://2130706433/', 'http://0x7f.1/', 'http://[::ffff:7f00:1]/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://[2002:7f00:1::]/']) {
      await expect(postWebhook(url, '{}', {}, { allowPrivateAddresses: false, timeoutMilliseconds: 500 }), url).rejects.toThrow(/address; private webhook URLs need/);
    }
  });
});
