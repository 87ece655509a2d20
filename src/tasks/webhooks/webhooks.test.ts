import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logging/logger.ts';
import { createMemoryTaskBackend } from '../memory/create-memory-task-backend.ts';
import { makeTaskRecord } from '../task-backend.case.test.ts';
import { postWebhook } from './post-webhook.ts';
import { WebhookDispatcher } from './webhook-dispatcher.ts';
import { resolveWebhookSecret, webhookSecretFileName } from './webhook-secret.ts';
import { signWebhook, verifyWebhookSignature, webhookHeaders } from './webhook-signature.ts';

const secret = 'test-secret-0123456789abcdef';

describe('webhook signature', () => {
  it('verifies its own signature and rejects tampering, wrong secrets and stale timestamps', () => {
    const body = '{"event":"task-end"}';
    const header = signWebhook(secret, 1_700_000_000, body);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    const base = { secret, header, body, nowSeconds: 1_700_000_010 };
    expect(verifyWebhookSignature(base)).toBe(true);
    expect(verifyWebhookSignature({ ...base, body: '{"event":"task-end "}' })).toBe(false);
    expect(verifyWebhookSignature({ ...base, secret: 'another-secret-0123456789' })).toBe(false);
    expect(verifyWebhookSignature({ ...base, nowSeconds: 1_700_000_000 + 301 })).toBe(false);
    expect(verifyWebhookSignature({ ...base, header: header.replace('t=1700000000', 't=1700000001') })).toBe(false);
    expect(verifyWebhookSignature({ ...base, header: 'garbage' })).toBe(false);
    expect(verifyWebhookSignature({ ...base, header: undefined })).toBe(false);
    // Rotation: any of several v1 values may match.
    expect(verifyWebhookSignature({ ...base, header: `${header.split(',')[0]},v1=${'0'.repeat(64)},${header.split(',')[1]}` })).toBe(true);
  });
});

describe('webhook secret', () => {
  it('prefers the environment, otherwise generates and keeps a 0600 file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'atelier-secret-'));
    try {
      expect(await resolveWebhookSecret(directory, { ATELIER_WEBHOOK_SECRET: secret })).toBe(secret);
      await expect(resolveWebhookSecret(directory, { ATELIER_WEBHOOK_SECRET: 'short' })).rejects.toThrow(/at least 16/);
      // Receivers verify with the text they were given: a secret is never trimmed behind their back.
      await expect(resolveWebhookSecret(directory, { ATELIER_WEBHOOK_SECRET: ` ${secret} ` })).rejects.toThrow(/whitespace/);
      await expect(resolveWebhookSecret(directory, { ATELIER_WEBHOOK_SECRET: ' '.repeat(20) })).rejects.toThrow(/whitespace/);
      const generated = await resolveWebhookSecret(directory, {});
      expect(generated).toMatch(/^[0-9a-f]{64}$/);
      expect(await resolveWebhookSecret(directory, {})).toBe(generated);
      const file = join(directory, webhookSecretFileName);
      expect((await readFile(file, 'utf8')).trim()).toBe(generated);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 that answers with the given statuses in turn (the last one repeats). */
async function startReceiver(statuses: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)];
      response.end('ignored');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/hooks/atelier?token=abc`, received, server };
}

describe('webhook dispatcher', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it('delivers a signed task-end payload, retrying with backoff until the receiver accepts', async () => {
    const receiver = await startReceiver([500, 503, 204]);
    server = receiver.server;
    const backend = createMemoryTaskBackend();
    const task = makeTaskRecord({ state: 'succeeded', webhook: { url: receiver.url, state: 'pending', attempts: 0 } });
    await backend.store.insert(task);
    const dispatcher = new WebhookDispatcher(backend.store, silentLogger, {
      secret, publicUrl: 'http://127.0.0.1:16688', allowPrivateAddresses: true, timeoutMilliseconds: 2000, backoff: { baseMs: 10, maxMs: 40 },
    });
    dispatcher.taskEnded(task);
    await expect.poll(async () => (await backend.store.get(task.id))?.webhook?.state, { timeout: 5000 }).toBe('delivered');
    expect((await backend.store.get(task.id))?.webhook).toMatchObject({ attempts: 3 });
    expect(receiver.received).toHaveLength(3);
    for (const delivery of receiver.received) {
      expect(delivery.headers[webhookHeaders.id]).toBe(task.id);
      expect(delivery.headers[webhookHeaders.event]).toBe('task-end');
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(verifyWebhookSignature({ secret, header: delivery.headers[webhookHeaders.signature] as string, body: delivery.body })).toBe(true);
    }
    const payload = JSON.parse(receiver.received[2].body);
    expect(payload).toMatchObject({ event: 'task-end', task: { id: task.id, state: 'succeeded', object: 'task' } });
    // The token in the webhook URL's query string is never echoed in payloads.
    expect(receiver.received[2].body).not.toContain('token=abc');
    await dispatcher.close();
  });

  it('gives up after the last attempt and records why', async () => {
    const receiver = await startReceiver([500]);
    server = receiver.server;
    const backend = createMemoryTaskBackend();
    const task = makeTaskRecord({ state: 'failed', webhook: { url: receiver.url, state: 'pending', attempts: 0 } });
    await backend.store.insert(task);
    const dispatcher = new WebhookDispatcher(backend.store, silentLogger, {
      secret, publicUrl: 'http://x', allowPrivateAddresses: true, timeoutMilliseconds: 2000, maxAttempts: 2, backoff: { baseMs: 5, maxMs: 10 },
    });
    dispatcher.taskEnded(task);
    await expect.poll(async () => (await backend.store.get(task.id))?.webhook?.state, { timeout: 5000 }).toBe('failed');
    expect((await backend.store.get(task.id))?.webhook).toMatchObject({ attempts: 2, lastError: 'the receiver answered HTTP 500' });
    await dispatcher.close();
  });

  it('resumes pending deliveries after a restart', async () => {
    const receiver = await startReceiver([200]);
    server = receiver.server;
    const backend = createMemoryTaskBackend();
    const pending = makeTaskRecord({ state: 'succeeded', webhook: { url: receiver.url, state: 'pending', attempts: 2, nextAttemptAt: 0 } });
    const running = makeTaskRecord({ state: 'running', webhook: { url: receiver.url, state: 'pending', attempts: 0 } });
    await backend.store.insert(pending);
    await backend.store.insert(running);
    const dispatcher = new WebhookDispatcher(backend.store, silentLogger, { secret, publicUrl: 'http://x', allowPrivateAddresses: true, timeoutMilliseconds: 2000 });
    expect(await dispatcher.resumePending()).toBe(1);
    await expect.poll(async () => (await backend.store.get(pending.id))?.webhook?.state, { timeout: 5000 }).toBe('delivered');
    expect(receiver.received).toHaveLength(1);
    await dispatcher.close();
  });

  it('posts once for a task that ended while the start-up recovery listed the pending ones (announced and listed)', async () => {
    const receiver = await startReceiver([500, 204]);
    server = receiver.server;
    const backend = createMemoryTaskBackend();
    const task = makeTaskRecord({ state: 'succeeded', webhook: { url: receiver.url, state: 'pending', attempts: 0 } });
    await backend.store.insert(task);
    const dispatcher = new WebhookDispatcher(backend.store, silentLogger, {
      secret, publicUrl: 'http://x', allowPrivateAddresses: true, timeoutMilliseconds: 2000, backoff: { baseMs: 5, maxMs: 10 },
    });
    // create-task-service starts the scheduler (whose recovery may end a task) and then resumes pending webhooks.
    dispatcher.taskEnded(task);
    expect(await dispatcher.resumePending()).toBe(1);
    await expect.poll(async () => (await backend.store.get(task.id))?.webhook?.state, { timeout: 5000 }).toBe('delivered');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // One chain: a failed first attempt, then the retry. Two chains would have posted four times (or twice at once).
    expect(receiver.received).toHaveLength(2);
    expect((await backend.store.get(task.id))?.webhook).toMatchObject({ attempts: 2 });
    await dispatcher.close();
  });

  it('refuses loopback and private receivers unless private URLs are allowed', async () => {
    const receiver = await startReceiver([200]);
    server = receiver.server;
    await expect(postWebhook(receiver.url, '{}', {}, { allowPrivateAddresses: false, timeoutMilliseconds: 1000 })).rejects.toThrow(/loopback address/);
    await expect(postWebhook(receiver.url.replace('127.0.0.1', 'localhost'), '{}', {}, { allowPrivateAddresses: false, timeoutMilliseconds: 1000 })).rejects.toThrow(/loopback address/);
    await expect(postWebhook('http://169.254.169.254/latest', '{}', {}, { allowPrivateAddresses: false, timeoutMilliseconds: 1000 })).rejects.toThrow(/cloud-metadata/);
    expect(receiver.received).toHaveLength(0);
  });
});
