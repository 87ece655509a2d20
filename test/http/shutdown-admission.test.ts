/**
 * While the server shuts down (SIGINT/SIGTERM), reads are still answered and changes are refused with 503
 * `server_shutting_down`: a HEAD is a read like a GET (the OpenAPI document lists 503 only on changes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/create-app.ts';
import { createTestApp } from '../support/test-context.ts';

let harness: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  harness = await createTestApp();
});
afterAll(() => harness.close());

describe('a server that is shutting down', () => {
  it('answers GET and HEAD, and refuses a change with 503', async () => {
    const app = createApp(harness.context, { accepting: false, inFlight: 0 });
    expect((await app.request('http://127.0.0.1:16688/health')).status).toBe(200);
    expect((await app.request('http://127.0.0.1:16688/health', { method: 'HEAD' })).status).toBe(200);
    const change = await app.request('http://127.0.0.1:16688/v1/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(change.status).toBe(503);
    expect(((await change.json()) as Record<string, unknown>).code).toBe('server_shutting_down');
  });
});
