import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalServer } from '../../test/support/local-http-server.ts';
import { guardedDownload } from './guarded-download.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('followGuardedRedirects', () => {
  it('closes a redirect\'s connection instead of draining its body: an endless one would stream on after the download', async () => {
    let redirectClosed = false;
    const server = await startLocalServer((request, response) => {
      if (request.url === '/image.png') {
        response.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('89504e470d0a1a0a', 'hex'));
        return;
      }
      response.writeHead(302, { location: '/image.png' });
      response.on('close', () => (redirectClosed = true));
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', pump);
      };
      pump();
    });
    close = server.close;
    const bytes = await guardedDownload(`${server.url}/start`, { allowPrivateAddresses: true, maxBytes: 1024, timeoutMilliseconds: 60_000, maxRedirects: 2, parameter: 'image' });
    expect(bytes.length).toBe(8);
    await sleep(200);
    expect(redirectClosed).toBe(true);
  });
});
