import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBodyBytes, readBodyChunks } from '../../src/http/read-body-bytes.ts';
import { startLocalServer } from '../support/local-http-server.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';
import { createTestApp } from '../support/test-context.ts';

let harness: Awaited<ReturnType<typeof createTestApp>>;
let photo: Buffer;
let mask: Buffer;
const route = '/aog/v0.2/services/image-to-image';

beforeAll(async () => {
  harness = await createTestApp();
  photo = await sharp(await makePhotoLikeImage(800, 600)).jpeg({ quality: 100 }).toBuffer();
  const pixels = Buffer.alloc(800 * 600);
  for (let index = 0; index < pixels.length; index += 1) pixels[index] = (index % 800) > 400 && ((index * 7919) % 13) !== 0 ? 255 : 0;
  mask = await sharp(pixels, { raw: { width: 800, height: 600, channels: 1 } }).png({ compressionLevel: 0 }).toBuffer();
});
afterAll(() => harness.close());

describe('AOG image-to-image with images large enough to be read from the body bytes', () => {
  it('serves a base64 image and a data-URI mask read as bytes', async () => {
    expect(photo.toString('base64').length).toBeGreaterThan(16 * 1024);
    expect(mask.toString('base64').length).toBeGreaterThan(16 * 1024);
    const response = await harness.post(route, {
      image: photo.toString('base64'), image_type: 'base64',
      mask: `data:image/png;base64,${mask.toString('base64')}`, mask_type: 'base64', prompt: 'remove it',
    });
    const body = (await response.json()) as { url?: string[]; message?: string };
    expect(response.status, JSON.stringify(body)).toBe(200);
    const file = await harness.app.request(new URL(body.url![0]).pathname);
    expect((await sharp(Buffer.from(await file.arrayBuffer())).metadata()).width).toBe(800);
  });

  it('stores the image written while the body arrived under its hash, and leaves no incoming file behind', async () => {
    const distinct = Buffer.concat([photo.subarray(0, 2), Buffer.from([0xff, 0xfe, 0x00, 0x06]), Buffer.from('inco'), photo.subarray(2)]);
    const response = await harness.post(route, { image: distinct.toString('base64'), image_type: 'base64', prompt: 'Convert to sketch style' });
    expect(response.status, JSON.stringify(await response.json())).toBe(200);
    const inputId = `${createHash('sha256').update(distinct).digest('hex')}.jpg`;
    expect((await readFile(join(harness.dataDirectory, 'files', inputId.slice(0, 2), inputId))).equals(distinct)).toBe(true);
    expect(await incomingFiles()).toEqual([]);
  });

  it('drops the incoming file of a request refused after its body was read, or whose image had to be rotated', async () => {
    const refused = await harness.post(route, { image: photo.toString('base64'), image_type: 'base64', prompt: 'x', n: 99 });
    expect(refused.status).toBe(400);
    expect(await incomingFiles()).toEqual([]);
    const sideways = await sharp(photo).withMetadata({ orientation: 6 }).jpeg({ quality: 100 }).toBuffer();
    const rotated = await harness.post(route, { image: sideways.toString('base64'), image_type: 'base64', prompt: 'Convert to sketch style' });
    expect(rotated.status).toBe(200);
    expect(await incomingFiles()).toEqual([]);
    const sidewaysId = `${createHash('sha256').update(sideways).digest('hex')}.jpg`;
    await expect(readFile(join(harness.dataDirectory, 'files', sidewaysId.slice(0, 2), sidewaysId))).rejects.toThrow();
  });

  it('drops the incoming file of a body that turns out not to be JSON after its image', async () => {
    const invalid = `{"image":"${photo.toString('base64')}","image_type":"base64","prompt":tru}`;
    for (const path of [route, '/v1/tasks']) {
      const response = await harness.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: invalid });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe('request_body_invalid_json');
      // Dropped before the answer.
      expect(await incomingFiles()).toEqual([]);
    }
    await new Promise((resolve) => setTimeout(resolve, 150)); // and not created afterwards by a write still queued
    expect(await incomingFiles()).toEqual([]);
  });

  it('drops the incoming file of a body that breaks off half-way', async () => {
    const server = await startLocalServer(getRequestListener(harness.app.fetch));
    try {
      const text = Buffer.from(JSON.stringify({ image: photo.toString('base64'), image_type: 'base64', prompt: 'x' }));
      const { port } = new URL(server.url);
      const outgoing = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: route, headers: { 'content-type': 'application/json', 'content-length': String(text.length) } });
      outgoing.on('error', () => {});
      outgoing.write(text.subarray(0, Math.floor(text.length / 2)));
      // The first half is being decoded into an incoming file; then the client goes away.
      for (let attempt = 0; attempt < 100 && (await incomingFiles()).length === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await incomingFiles(), 'incoming before the break').toHaveLength(1);
      outgoing.destroy();
      for (let attempt = 0; attempt < 100 && (await incomingFiles()).length > 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await incomingFiles()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('reads a long base64 value given as a path as the path it claims to be', async () => {
    const response = await harness.post(route, { image: photo.toString('base64'), image_type: 'path', prompt: 'x' });
    const body = (await response.json()) as { code: string };
    expect(response.status).toBe(400);
    expect(body.code).toMatch(/^input_/);
  });

  it('reports a damaged base64 image the way it always did', async () => {
    const text = photo.toString('base64');
    const response = await harness.post(route, { image: `${text.slice(0, 30_000)}!${text.slice(30_001)}`, image_type: 'base64' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('the character "!"');
  });
});

async function incomingFiles(): Promise<string[]> {
  return readdir(join(harness.dataDirectory, 'files', 'incoming')).catch(() => []);
}

/** Length and a running sum of the bytes: what the server reports back, compared with what was sent. */
function checksum(bytes: Uint8Array): { length: number; sum: number } {
  return { length: bytes.length, sum: bytes.reduce((total, byte) => (total + byte) % 65521, 0) };
}

describe('readBodyBytes on a Node server', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let port: number;
  beforeAll(async () => {
    const app = new Hono();
    app.post('/', async (http) => http.json(checksum(await readBodyBytes(http))));
    server = await startLocalServer(getRequestListener(app.fetch));
    port = Number(new URL(server.url).port);
  });
  afterAll(() => server.close());

  function send(chunks: Buffer[], headers: Record<string, string>): Promise<{ length: number; sum: number }> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (incoming) => {
        let text = '';
        incoming.on('data', (chunk: Buffer) => (text += chunk.toString()));
        incoming.on('end', () => resolve(JSON.parse(text) as { length: number; sum: number }));
      });
      outgoing.on('error', reject);
      for (const chunk of chunks) outgoing.write(chunk);
      outgoing.end();
    });
  }

  it('answers an error, and keeps serving, when reading a chunk throws', async () => {
    const failing = new Hono();
    failing.post('/', async (http) => {
      await readBodyChunks(http, () => {
        throw new Error('out of memory, say');
      });
      return http.json({ read: true });
    });
    const failingServer = await startLocalServer(getRequestListener(failing.fetch));
    try {
      const answer = await fetch(failingServer.url, { method: 'POST', body: Buffer.alloc(200_000, 65) });
      expect(answer.status).toBe(500);
      expect((await fetch(failingServer.url, { method: 'POST', body: Buffer.alloc(10, 65) })).status).toBe(500);
    } finally {
      await failingServer.close();
    }
  });

  it('reads a body with a Content-Length, and a chunked one, byte for byte', async () => {
    const body = Buffer.alloc(300_000);
    for (let index = 0; index < body.length; index += 1) body[index] = (index * 31) & 0xff;
    const expected = checksum(body);
    const parts = [body.subarray(0, 70_000), body.subarray(70_000, 200_001), body.subarray(200_001)];
    expect(await send(parts, { 'content-length': String(body.length) })).toEqual(expected);
    expect(await send(parts, { 'transfer-encoding': 'chunked' })).toEqual(expected);
    expect(await send([], { 'content-length': '0' })).toEqual({ length: 0, sum: 0 });
  });

  it('reads large bodies one at a time without losing any, and a stalled one does not block the others', async () => {
    const large = (seed: number) => {
      const body = Buffer.alloc(1_500_000);
      for (let index = 0; index < body.length; index += 1) body[index] = (index * seed) & 0xff;
      return body;
    };
    const bodies = [3, 5, 7, 11, 13, 17].map(large);
    // A client that sends half of a large body and then stalls holds its turn for at most the hold limit (0.5 s).
    const stalled = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-length': String(bodies[0].length) } });
    stalled.on('error', () => {});
    stalled.write(bodies[0].subarray(0, 700_000));
    const started = Date.now();
    const answers = await Promise.all(bodies.slice(1).map((body) => send([body.subarray(0, 500_000), body.subarray(500_000)], { 'content-length': String(body.length) })));
    expect(answers).toEqual(bodies.slice(1).map(checksum));
    expect(Date.now() - started).toBeLessThan(15_000);
    stalled.destroy();
  }, 30_000);
});
