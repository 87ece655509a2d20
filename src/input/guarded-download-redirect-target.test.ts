/**
 * Review of url inputs whose server answers a redirect with a Location that is not a URL. The Location is written by
 * whoever runs that server, so the error must name the condition (a stable input_url_invalid, 400) without quoting
 * the text, and must not surface as an unexplained internal error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalServer } from '../../test/support/local-http-server.ts';
import { guardedDownload, type DownloadPolicy } from './guarded-download.ts';

const policy: DownloadPolicy = { allowPrivateAddresses: true, maxBytes: 1024 * 1024, timeoutMilliseconds: 2000, maxRedirects: 5, parameter: 'image' };
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as { code?: string; message: string });

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function redirectingTo(location: string): Promise<string> {
  const server = await startLocalServer((_request, response) => response.writeHead(302, { location }).end());
  close = server.close;
  return `${server.url}/start`;
}

describe('guardedDownload with a redirect Location that is not a URL', () => {
  it.each([
    'http://exa mple.com/SECRET-TOKEN-abc',
    'http://[::1/SECRET-TOKEN-abc',
    `https://%zz/${'SECRET-TOKEN-'.repeat(20)}`,
  ])('answers input_url_invalid without quoting the Location (%s)', async (location) => {
    const error = await failure(guardedDownload(await redirectingTo(location), policy));
    expect(error?.code).toBe('input_url_invalid');
    expect(error?.message).toBe('url must be an absolute http or https URL but received a redirect to an invalid URL');
  });
});
