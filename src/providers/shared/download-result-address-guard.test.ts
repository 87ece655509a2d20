/**
 * Security review of result downloads: the URL comes from a cloud provider's answer, and a signed storage link may
 * redirect; neither the link nor a redirect may lead Atelier to an address on its own network (SSRF with an image
 * oracle: an internal image would be stored and served). A provider whose endpoint is itself on this machine or a
 * private network (a local OpenAI-compatible server, a VPC endpoint) keeps private result URLs working. Only
 * 127.0.0.1 is used: the address policy is stubbed so that 127.0.0.1 passes as public where a test needs it to.
 */
import { get } from 'node:http';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { startFakeServer, type FakeAnswer, type FakeServer } from '../../../test/fakes/fake-server-kit.ts';
import { downloadResult, type DownloadOptions } from './download-result.ts';

const stub = vi.hoisted(() => ({ loopbackIsPublic: false, publicChecksLeft: Number.POSITIVE_INFINITY }));
vi.mock('../../input/address-policy.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../input/address-policy.ts')>();
  return {
    ...actual,
    classifyAddress: (address: string) => {
      if (address === '127.0.0.1' && stub.loopbackIsPublic && stub.publicChecksLeft > 0) {
        stub.publicChecksLeft--;
        return undefined;
      }
      return actual.classifyAddress(address);
    },
  };
});

let server: FakeServer;
let png: Buffer;
let port: string;
/** A cloud endpoint: a public literal address, so that judging it needs no DNS (no request is sent to it). */
const cloudEndpoint = 'https://8.8.8.8/api/v1';
/** Fails the test if the download used the injected fetch: that fetch cannot check the address it connects to. */
const unguardedFetch = (() => Promise.reject(new Error('the injected fetch was used for a cloud result'))) as typeof fetch;
const options = (overrides: Partial<DownloadOptions> = {}): DownloadOptions => ({
  fetch: unguardedFetch, maxBytes: 1_000_000, timeoutMs: 2_000, provider: 'Example', endpoint: cloudEndpoint, ...overrides,
});

beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } }).png().toBuffer();
  server = await startFakeServer((request): FakeAnswer => {
    if (request.path === '/image.png') return { status: 200, body: png };
    if (request.path === '/moved') return { status: 302, headers: { location: '/image.png' } };
    if (request.path === '/to-private') return { status: 302, headers: { location: `http://127.0.0.2:${port}/image.png` } };
    if (request.path === '/to-metadata') return { status: 301, headers: { location: 'http://169.254.169.254/latest/meta-data/' } };
    if (request.path === '/to-name') return { status: 307, headers: { location: `http://localhost:${port}/image.png` } };
    if (request.path === '/loop') return { status: 302, headers: { location: '/loop' } };
    if (request.path === '/to-file') return { status: 302, headers: { location: 'file:///etc/passwd' } };
    return { status: 404, body: 'gone' };
  });
  port = new URL(server.origin).port;
});
afterEach(() => {
  stub.loopbackIsPublic = false;
  stub.publicChecksLeft = Number.POSITIVE_INFINITY;
});
afterAll(() => server.stop());

describe('downloadResult for a cloud provider refuses addresses on its own network', () => {
  it('refuses a result URL on this machine, before any request', async () => {
    const error = await rejectionOf(downloadResult(`${server.origin}/image.png`, options()));
    expect(error.code).toBe('upstream_bad_response');
    expect(error.message).toContain('the result URL leads to a loopback address (127.0.0.1)');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses the cloud metadata address and IPv6 spellings of private addresses', async () => {
    expect((await rejectionOf(downloadResult('http://169.254.169.254/latest/meta-data/', options()))).message).toContain('cloud-metadata');
    expect((await rejectionOf(downloadResult(`http://[::ffff:7f00:1]:${port}/image.png`, options()))).message).toContain('loopback');
  });

  it('refuses a redirect from a public result host to a private address', async () => {
    stub.loopbackIsPublic = true;
    const toPrivate = await rejectionOf(downloadResult(`${server.origin}/to-private`, options()));
    expect([toPrivate.code, toPrivate.message]).toEqual(['upstream_bad_response', expect.stringContaining('loopback address (127.0.0.2)')]);
    expect(toPrivate.retryable).toBe(false); // the provider's answer will lead there again
    const toMetadata = await rejectionOf(downloadResult(`${server.origin}/to-metadata`, options()));
    expect(toMetadata.message).toContain('cloud-metadata');
  });

  it('checks the address a redirect\'s host name resolves to when it connects (DNS rebinding)', async () => {
    stub.loopbackIsPublic = true;
    stub.publicChecksLeft = 1; // the first hop's 127.0.0.1 passes; by the redirect, localhost's 127.0.0.1 does not
    const error = await rejectionOf(downloadResult(`${server.origin}/to-name`, options()));
    expect(error.message).toContain('loopback');
    expect(server.requests.filter((request) => request.path === '/image.png')).toHaveLength(0);
  });

  it('never reuses a pooled connection another request opened to a private address without the check', async () => {
    // E.g. a url input with --allow-private-urls left a keep-alive socket to localhost in Node's global agent.
    await new Promise<void>((resolve, reject) => get(`http://localhost:${port}/image.png`, (response) => response.resume().on('end', resolve)).on('error', reject));
    const error = await rejectionOf(downloadResult(`http://localhost:${port}/image.png`, options()));
    expect(error.message).toContain('loopback');
  });

  it('still follows redirects between public addresses, with the same limits', async () => {
    stub.loopbackIsPublic = true;
    expect((await downloadResult(`${server.origin}/moved`, options())).mediaType).toBe('image/png');
    expect((await rejectionOf(downloadResult(`${server.origin}/loop`, options()))).message).toContain('redirects more than');
    expect((await rejectionOf(downloadResult(`${server.origin}/to-file`, options()))).code).toBe('upstream_bad_response');
    expect((await rejectionOf(downloadResult(`${server.origin}/image.png`, options({ maxBytes: 10 })))).message).toContain('larger than 10 bytes');
    const expired = await rejectionOf(downloadResult(`${server.origin}/missing.png`, options()));
    expect([expired.code, expired.retryable]).toEqual(['upstream_unavailable', false]);
  });

  it('a public result host that hangs times out', async () => {
    stub.loopbackIsPublic = true;
    server.script({ match: (request) => request.path === '/image.png', behaviour: { kind: 'hang' } });
    expect((await rejectionOf(downloadResult(`${server.origin}/image.png`, options({ timeoutMs: 200 })))).code).toBe('upstream_timeout');
  });
});

describe('downloadResult for a provider on this machine or a private network', () => {
  it.each([['loopback', 'http://127.0.0.1:9/v1'], ['localhost', 'http://localhost:7860/v1'], ['private', 'http://10.1.2.3/v1']])(
    'downloads private result URLs when the endpoint is %s, with the injected fetch', async (_kind, endpoint) => {
      const output = await downloadResult(`${server.origin}/image.png`, options({ fetch, endpoint }));
      expect(output.bytes.equals(png)).toBe(true);
    },
  );
});
