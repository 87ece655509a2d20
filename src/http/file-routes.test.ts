/**
 * GET /v1/files/{id}: Range and conditional requests as RFC 9110 has them. In-process app, no network.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/support/test-context.ts';

let harness: Awaited<ReturnType<typeof createTestApp>>;
let id: string;
let etag: string;
const bytes = Buffer.from(Array.from({ length: 100 }, (_, index) => index));

beforeAll(async () => {
  harness = await createTestApp();
  ({ id, etag } = await harness.context.fileStore.put(bytes, 'image/png'));
});
afterAll(() => harness.close());

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await harness.app.request(path, { headers });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

describe('Range', () => {
  it('does not answer 416 to a satisfiable multi-range request (RFC 9110 §15.5.17: 416 only when no range overlaps)', async () => {
    const answer = await get(`/v1/files/${id}`, { range: 'bytes=0-9,20-29' });
    expect(answer.status).not.toBe(416);
    expect([200, 206]).toContain(answer.status);
  });

  it('ignores a Range with a unit it does not understand and sends the whole file (RFC 9110 §14.2 MUST)', async () => {
    const answer = await get(`/v1/files/${id}`, { range: 'items=0-9' });
    expect(answer.status).toBe(200);
    expect(answer.body.equals(bytes)).toBe(true);
  });

  it('reads the range unit case-insensitively (RFC 9110 §14.1)', async () => {
    const answer = await get(`/v1/files/${id}`, { range: 'Bytes=0-9' });
    expect(answer.status).toBe(206);
    expect(answer.headers.get('content-range')).toBe('bytes 0-9/100');
  });

  it('says the current length in a 416 (Content-Range: bytes */100, RFC 9110 §14.4)', async () => {
    const answer = await get(`/v1/files/${id}`, { range: 'bytes=100-' });
    expect(answer.status).toBe(416);
    expect(answer.headers.get('content-range')).toBe('bytes */100');
  });

  it('answers a suffix range on an empty file with 416, not an internal error', async () => {
    const empty = await harness.context.fileStore.put(Buffer.alloc(0), 'image/png');
    const answer = await get(`/v1/files/${empty.id}`, { range: 'bytes=-5' });
    expect(answer.status).toBe(416);
  });
});

describe('If-None-Match', () => {
  it('uses the weak comparison and accepts lists and * (RFC 9110 §13.1.2)', async () => {
    expect((await get(`/v1/files/${id}`, { 'if-none-match': etag })).status).toBe(304);
    expect((await get(`/v1/files/${id}`, { 'if-none-match': `W/${etag}` })).status).toBe(304);
    expect((await get(`/v1/files/${id}`, { 'if-none-match': `"other", ${etag}` })).status).toBe(304);
    expect((await get(`/v1/files/${id}`, { 'if-none-match': '*' })).status).toBe(304);
  });
});
