/**
 * Review of result downloads whose redirect Location names no usable target, now that url inputs and result
 * downloads share one redirect loop (src/input/guarded-request.ts). Only 127.0.0.1 is used: the address policy is
 * stubbed so that it passes as public.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocalServer } from '../../../test/support/local-http-server.ts';
import { fetchPublicOnly, ResultUrlRefused } from './fetch-public-only.ts';

vi.mock('../../input/address-policy.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../input/address-policy.ts')>();
  return { ...actual, classifyAddress: (address: string) => (address === '127.0.0.1' ? undefined : actual.classifyAddress(address)) };
});

let close: (() => Promise<void>) | undefined;
let requests = 0;
afterEach(async () => {
  await close?.();
  close = undefined;
  requests = 0;
});

async function redirectingTo(location: string): Promise<URL> {
  const server = await startLocalServer((_request, response) => {
    requests++;
    response.writeHead(302, { location }).end();
  });
  close = server.close;
  return new URL(`${server.url}/start`);
}
const fetchOnce = (url: URL) => fetchPublicOnly(url, { signal: AbortSignal.timeout(2000), maxRedirects: 5 });

describe('fetchPublicOnly with a redirect Location that names no usable target', () => {
  it('refuses a Location that is not a URL, without quoting it', async () => {
    const error = await fetchOnce(await redirectingTo('http://exa mple.com/SECRET-TOKEN')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResultUrlRefused);
    expect((error as Error).message).toBe('the result URL redirects to an invalid URL');
  });

  it('answers an empty Location as the 3xx itself, without requesting the same URL again', async () => {
    const response = await fetchOnce(await redirectingTo(''));
    expect(response.status).toBe(302);
    expect(requests).toBe(1);
  });
});
