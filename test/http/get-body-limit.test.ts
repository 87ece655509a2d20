/**
 * AOG's client sends list filters as a JSON body on a GET, so GET bodies are read (service_provider, its /detail,
 * model, service). The body limit must hold for them too: a declared Content-Length is allocated up front, so a GET
 * declaring gigabytes would otherwise reserve that memory for any peer (GETs are answered from every address).
 */
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readSettings } from '../../src/config/read-settings.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { startServer } from '../../src/server/start-server.ts';

let directory: string;
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-get-body-limit-'));
  server = await startServer(readSettings(['--port', '0', '--data-dir', directory, '--input-root', directory, '--log-level', 'silent'], {}), { logger: silentLogger });
});
afterAll(async () => {
  await server?.stop();
  await rm(directory, { recursive: true, force: true });
});

/** Sends only the headers of a GET declaring `length` body bytes and answers the status, or 'no answer' after 3 s. */
function statusOfGetDeclaring(path: string, length: number): Promise<number | 'no answer'> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url);
    const outgoing = request(url, { method: 'GET', headers: { 'content-type': 'application/json', 'content-length': String(length) } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
      outgoing.destroy();
    });
    outgoing.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
    outgoing.flushHeaders();
    setTimeout(() => {
      resolve('no answer');
      outgoing.destroy();
    }, 3000);
  });
}

it.each(['/aog/v0.2/service_provider/detail', '/aog/v0.2/model', '/aog/v0.2/service_provider'])('GET %s declaring a body over the limit is 413 at once, before any of it is read', async (path) => {
  expect(await statusOfGetDeclaring(path, 64 * 1024 * 1024)).toBe(413);
});
