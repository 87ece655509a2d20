import { createServer, request, type ClientRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { readBodyChunks } from './read-body-bytes.ts';

/** The two things `readBodyChunks` reads from hono's context. */
function contextFor(incoming: IncomingMessage): Context {
  return { env: { incoming }, req: { header: (name: string) => incoming.headers[name.toLowerCase()] as string | undefined } } as unknown as Context;
}

const large = 2 * 1024 * 1024;
let server: Server | undefined;
const clients: ClientRequest[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

describe('readBodyChunks', () => {
  it('settles the read of a body whose client went away while it waited for its turn', async () => {
    const outcomes = new Map<string, string>();
    const arrived = new Map<string, IncomingMessage>();
    server = createServer((incoming) => {
      const name = incoming.headers['x-name'] as string;
      arrived.set(name, incoming);
      readBodyChunks(contextFor(incoming), () => {}).then(() => outcomes.set(name, 'resolved'), (error: Error) => outcomes.set(name, `rejected: ${error.message}`));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const open = (name: string) => {
      const client = request({ host: '127.0.0.1', port, method: 'POST', headers: { 'content-length': String(large), 'x-name': name } });
      client.on('error', () => {});
      client.write(Buffer.alloc(16));
      clients.push(client);
      return client;
    };
    // A holds the turn (its body stalls); B waits for it, then its client disconnects.
    open('a');
    await expect.poll(() => arrived.has('a')).toBe(true);
    const b = open('b');
    await expect.poll(() => arrived.has('b')).toBe(true);
    const closed = new Promise((resolve) => arrived.get('b')!.once('close', resolve));
    b.destroy();
    await closed;
    // After A's hold limit (0.5 s) B gets the turn; its read must fail at once, not listen for events long gone
    // (which held the turn, and the request, forever).
    await expect.poll(() => outcomes.get('b'), { timeout: 3000 }).toMatch(/^rejected: Client connection prematurely closed/);
  });
});
