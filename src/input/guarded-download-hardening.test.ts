/**
 * Security review of url inputs against hostile servers: bodies that trickle or never end, redirects that lead to a
 * private address, and a name that resolves to a public address first and a private one on the next hop (DNS
 * rebinding). Only 127.0.0.1 is used: the address policy is stubbed so that 127.0.0.1 passes as public where a
 * test needs a "public" first hop.
 */
import { get, type ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makePhotoLikeImage } from '../../test/support/test-images.ts';
import { startLocalServer } from '../../test/support/local-http-server.ts';
import { guardedDownload, type DownloadPolicy } from './guarded-download.ts';

/** When true, 127.0.0.1 counts as public for as many checks as `publicChecksLeft` allows (then it is loopback again). */
const stub = vi.hoisted(() => ({ publicChecksLeft: 0 }));
vi.mock('./address-policy.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./address-policy.ts')>();
  return {
    ...actual,
    classifyAddress: (address: string) => {
      if (address === '127.0.0.1' && stub.publicChecksLeft > 0) {
        stub.publicChecksLeft--;
        return undefined;
      }
      return actual.classifyAddress(address);
    },
  };
});

let server: Awaited<ReturnType<typeof startLocalServer>>;
let port: string;
let png: Buffer;
const open = new Set<ServerResponse>();
const policy = (overrides: Partial<DownloadPolicy> = {}): DownloadPolicy => ({
  allowPrivateAddresses: false, maxBytes: 1024 * 1024, timeoutMilliseconds: 2000, maxRedirects: 5, parameter: 'image', ...overrides,
});
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as { code?: string; message: string });

beforeAll(async () => {
  png = await makePhotoLikeImage(16, 16);
  server = await startLocalServer((request, response) => {
    open.add(response);
    response.on('close', () => open.delete(response));
    if (request.url === '/photo.png') return response.end(png);
    if (request.url === '/to-literal-private') return response.writeHead(302, { location: `http://127.0.0.2:${port}/photo.png` }).end();
    if (request.url === '/to-ipv6-loopback') return response.writeHead(302, { location: `http://[::ffff:7f00:1]:${port}/photo.png` }).end();
    if (request.url === '/to-name') return response.writeHead(307, { location: `http://localhost:${port}/photo.png` }).end();
    if (request.url === '/trickle') {
      // Headers and the PNG signature at once, then one byte every 100 ms: each read is quick, the whole never ends.
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
      response.write(png.subarray(0, 8));
      let sent = 8;
      const timer = setInterval(() => (sent < png.length ? response.write(png.subarray(sent, ++sent)) : clearInterval(timer)), 100);
      response.on('close', () => clearInterval(timer));
      return;
    }
    if (request.url === '/endless') {
      // No Content-Length: the cap must hold while streaming.
      response.writeHead(200, { 'content-type': 'image/png' });
      const chunk = Buffer.alloc(64 * 1024, 7);
      const pump = () => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', pump);
      };
      pump();
      return;
    }
    response.writeHead(404).end();
  });
  port = new URL(server.url).port;
});
afterEach(() => {
  stub.publicChecksLeft = 0;
});
afterAll(async () => {
  for (const response of open) response.destroy();
  await server.close();
});

describe('guardedDownload against hostile servers', () => {
  it('gives up on a body that trickles in forever, at the overall deadline (slowloris)', async () => {
    const started = Date.now();
    const error = await failure(guardedDownload(`${server.url}/trickle`, policy({ allowPrivateAddresses: true, timeoutMilliseconds: 500 })));
    expect(error?.code).toBe('input_url_timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops reading an endless body at the byte cap', async () => {
    const error = await failure(guardedDownload(`${server.url}/endless`, policy({ allowPrivateAddresses: true })));
    expect(error?.code).toBe('input_too_large');
  });

  it('checks every redirect hop: a public first hop may not lead to a private literal address', async () => {
    stub.publicChecksLeft = 1;
    const literal = await failure(guardedDownload(`${server.url}/to-literal-private`, policy()));
    expect(literal?.code).toBe('input_url_forbidden_address');
    expect(literal?.message).toContain('127.0.0.2');
    stub.publicChecksLeft = 1;
    const mapped = await failure(guardedDownload(`${server.url}/to-ipv6-loopback`, policy()));
    expect(mapped?.code).toBe('input_url_forbidden_address');
  });

  it('checks the address a name resolves to when the hop connects, so a rebinding name is caught', async () => {
    // The first hop's 127.0.0.1 passes as public; by the redirect, the name localhost resolves to the same address,
    // now judged loopback: only a check inside the connection's own lookup sees it.
    stub.publicChecksLeft = 1;
    const error = await failure(guardedDownload(`${server.url}/to-name`, policy()));
    expect(error?.code).toBe('input_url_forbidden_address');
    expect(error?.message).toMatch(/loopback/);
  });

  it('never reuses a pooled connection another request opened to a private address without the check', async () => {
    // E.g. a result download from a local provider left a keep-alive socket to localhost in Node's global agent.
    await new Promise<void>((resolve, reject) => get(`http://localhost:${port}/photo.png`, (response) => response.resume().on('end', resolve)).on('error', reject));
    const error = await failure(guardedDownload(`http://localhost:${port}/photo.png`, policy()));
    expect(error?.code).toBe('input_url_forbidden_address');
  });

  it('refuses a redirect to another scheme', async () => {
    const redirecting = await startLocalServer((_request, response) => response.writeHead(302, { location: 'file:///etc/passwd' }).end());
    try {
      const error = await failure(guardedDownload(`${redirecting.url}/x`, policy({ allowPrivateAddresses: true })));
      expect(error?.code).toBe('input_url_invalid');
    } finally {
      await redirecting.close();
    }
  });
});
