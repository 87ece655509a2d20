import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { parseMultipart, refusedOrigin, startFakeServer, type FakeServer } from '../../../test/fakes/fake-server-kit.ts';
import { InlineData } from './inline-data-json.ts';
import { requestJson, type JsonRequest } from './request-json.ts';
import { canResubmitSafely } from './submit-retry-policy.ts';
import { upstreamFailureOf } from './upstream-failure.ts';

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer(() => ({ status: 200, body: { ok: true } }));
});
afterEach(() => server.stop());

const call = (overrides: Partial<JsonRequest> = {}): Promise<unknown> =>
  requestJson({ provider: 'Example', fetch, url: `${server.origin}/v1/thing`, method: 'POST', headers: { 'content-type': 'application/json' }, body: { a: 1 }, timeoutMs: 2_000, ...overrides });

describe('requestJson', () => {
  test('sends exactly the given method, headers and JSON body, and returns the parsed answer', async () => {
    const response = await requestJson({ provider: 'Example', fetch, url: `${server.origin}/v1/thing`, method: 'POST', headers: { 'content-type': 'application/json', 'x-custom': 'yes' }, body: { a: 1 }, timeoutMs: 2_000 });
    expect(response.body).toEqual({ ok: true });
    const request = server.requests[0];
    expect([request.method, request.path, request.json]).toEqual(['POST', '/v1/thing', { a: 1 }]);
    expect(request.headers['x-custom']).toBe('yes');
  });

  test('sends a FormData body as multipart, leaving the boundary to fetch', async () => {
    const form = new FormData();
    form.append('prompt', 'make it sunset');
    form.append('image', new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }), 'image-1.png');
    const response = await requestJson({ provider: 'Example', fetch, url: `${server.origin}/v1/edits`, method: 'POST', headers: { authorization: 'Bearer k' }, form, timeoutMs: 2_000 });
    expect(response.body).toEqual({ ok: true });
    const request = server.requests[0];
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const parsed = await parseMultipart(request);
    expect(parsed.get('prompt')).toBe('make it sunset');
    expect(Buffer.from(await (parsed.get('image') as Blob).arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
  });

  test('5xx → upstream_unavailable (retryable) carrying the status', async () => {
    server.script({ match: () => true, behaviour: { kind: 'answer', answer: { status: 502, body: { error: 'bad gateway' } } } });
    const error = await rejectionOf(call());
    expect([error.code, error.retryable, error.message]).toEqual(['upstream_unavailable', true, 'Example is unavailable (HTTP 502)']);
    expect(upstreamFailureOf(error)?.details.httpStatus).toBe(502);
  });

  test('429 keeps Retry-After (seconds and HTTP dates) for the retry policy', async () => {
    server.script({ match: () => true, behaviour: { kind: 'answer', answer: { status: 429, body: {}, headers: { 'retry-after': '7' } } } });
    const error = await rejectionOf(call());
    expect([error.code, error.retryable]).toEqual(['upstream_rate_limited', true]);
    expect(upstreamFailureOf(error)?.details.retryAfterMs).toBe(7_000);
    const now = new Date('2025-06-01T00:00:00Z');
    server.script({ match: () => true, behaviour: { kind: 'answer', answer: { status: 429, body: {}, headers: { 'retry-after': 'Sun, 01 Jun 2025 00:00:03 GMT' } } } });
    expect(upstreamFailureOf(await rejectionOf(call({ now: () => now })))?.details.retryAfterMs).toBe(3_000);
  });

  test('an adapter mapper decides the code of error answers', async () => {
    server.script({ match: () => true, behaviour: { kind: 'answer', answer: { status: 400, body: { code: 'Nope' } } } });
    const error = await rejectionOf(call({ mapError: ({ body }) => ({ code: 'upstream_content_rejected', parameters: { provider: 'Example', providerCode: String((body as { code: string }).code), providerMessage: 'm' } }) }));
    expect(error.message).toBe('Example refused the content (Nope): m');
  });

  test('the mapper also gets the x-request-id header (OpenAI quotes it in messages)', async () => {
    server.script({ match: () => true, behaviour: { kind: 'answer', answer: { status: 400, body: {}, headers: { 'x-request-id': 'req_abc123' } } } });
    const seen: Array<string | undefined> = [];
    await rejectionOf(call({ mapError: ({ requestId }) => { seen.push(requestId); return undefined; } }));
    server.script({ match: () => true, behaviour: { kind: 'answer', answer: { status: 400, body: {} } } });
    await rejectionOf(call({ mapError: ({ requestId }) => { seen.push(requestId); return undefined; } }));
    expect(seen).toEqual(['req_abc123', undefined]);
  });

  test('malformed JSON in a 2xx → upstream_bad_response', async () => {
    server.script({ match: () => true, behaviour: { kind: 'malformed-json' } });
    const error = await rejectionOf(call());
    expect(error.code).toBe('upstream_bad_response');
    expect(upstreamFailureOf(error)?.kind).toBe('malformed');
  });

  test('an answer over the size limit is refused without reading it all', async () => {
    server.script({ match: () => true, behaviour: { kind: 'answer', answer: { status: 200, body: { big: 'x'.repeat(10_000) } } } });
    expect((await rejectionOf(call({ maxResponseBytes: 1_000 }))).message).toContain('larger than the limit');
    // An error answer that large keeps its status: a 429 is still throttling, which may be sent again.
    server.script({ match: () => true, behaviour: { kind: 'answer', answer: { status: 429, body: { big: 'x'.repeat(10_000) }, headers: { 'retry-after': '2' } } } });
    const throttled = await rejectionOf(call({ maxResponseBytes: 1_000 }));
    expect([throttled.code, canResubmitSafely(throttled), upstreamFailureOf(throttled)?.details.retryAfterMs]).toEqual(['upstream_rate_limited', true, 2_000]);
  });

  test('a hang past the timeout → upstream_timeout (kind timeout)', async () => {
    server.script({ match: () => true, behaviour: { kind: 'hang' } });
    const error = await rejectionOf(call({ timeoutMs: 150 }));
    expect([error.code, error.message]).toEqual(['upstream_timeout', 'Example did not answer within 150 ms']);
    expect(upstreamFailureOf(error)?.kind).toBe('timeout');
  });

  test('a reset after sending → upstream_unavailable of kind network (may have been accepted)', async () => {
    server.script({ match: () => true, behaviour: { kind: 'reset' } });
    const error = await rejectionOf(call());
    expect(error.code).toBe('upstream_unavailable');
    expect(upstreamFailureOf(error)?.kind).toBe('network');
  });

  test('connection refused is recognised as such', async () => {
    const error = await rejectionOf(call({ url: `${await refusedOrigin()}/v1/thing` }));
    expect(error.message).toBe('Example is unavailable (connection refused)');
    expect(upstreamFailureOf(error)?.kind).toBe('connection-refused');
  });

  test("the caller's abort rejects with its reason, not as a provider timeout", async () => {
    server.script({ match: () => true, behaviour: { kind: 'hang' } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('client left')), 50);
    await expect(call({ signal: controller.signal, timeoutMs: 5_000 })).rejects.toThrow('client left');
  });

  test('redirects are refused (an API answer never redirects; a redirect could leak the Authorization header)', async () => {
    server.script({ match: () => true, behaviour: { kind: 'answer', answer: { status: 302, headers: { location: 'http://127.0.0.1:1/' } } } });
    expect((await rejectionOf(call())).code).toBe('upstream_unavailable');
  });

  describe('bodies with inline images (streamed)', () => {
    const withDataUris = (body: unknown): string =>
      JSON.stringify(body, (_key, value: unknown) => (value instanceof InlineData ? value.toDataUri() : value));

    test('go with a fixed Content-Length, no chunked encoding, and exactly the JSON.stringify bytes', async () => {
      const body = { model: 'wanx', input: { prompt: '把天空变成日落 🌅 "quoted"', base_image_url: new InlineData(randomBytes(2 * 1024 * 1024 + 1), 'image/jpeg'), mask_image_url: new InlineData(randomBytes(5), 'image/png') } };
      await call({ body });
      const request = server.requests[0];
      const expected = withDataUris(body);
      expect(request.headers['content-length']).toBe(String(Buffer.byteLength(expected)));
      expect(request.headers['transfer-encoding']).toBeUndefined();
      expect(request.rawBody.equals(Buffer.from(expected, 'utf8'))).toBe(true);
      expect(request.json).toEqual(JSON.parse(expected));
      expect(request.headers['content-type']).toBe('application/json');
    });

    test('bodies without inline data keep a fixed Content-Length too', async () => {
      await call({ body: { prompt: 'é' } });
      const request = server.requests[0];
      expect([request.headers['content-length'], request.headers['transfer-encoding'], request.rawBody.toString('utf8')]).toEqual(['15', undefined, '{"prompt":"é"}']); // é is two bytes
    });

    test('the same body sent again (a retry) arrives with the same bytes', async () => {
      const body = { input: { image: new InlineData(randomBytes(300_001), 'image/png') } };
      await call({ body });
      await call({ body });
      expect(server.requests).toHaveLength(2);
      expect(server.requests[1].rawBody.equals(server.requests[0].rawBody)).toBe(true);
      expect(server.requests[0].rawBody.toString('utf8')).toBe(withDataUris(body));
    });

    test('hold their last bytes until holdLastBytesUntil settles: the receiver sees no complete request before', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const body = { input: { image: new InlineData(randomBytes(1_000_001), 'image/png') } };
      const pending = call({ body, holdLastBytesUntil: gate });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(server.requests).toHaveLength(0);
      release();
      await pending;
      expect(server.requests[0].rawBody.toString('utf8')).toBe(withDataUris(body));
    });

    test('a gate that fails fails the call with its own error, and the receiver never gets the whole body', async () => {
      const storageFailure = new Error('disk full while storing the input');
      let fail!: (error: Error) => void;
      const gate = new Promise<void>((_resolve, reject) => (fail = reject));
      const pending = call({ body: { input: { image: new InlineData(randomBytes(1_000_001), 'image/png') } }, holdLastBytesUntil: gate });
      await new Promise((resolve) => setTimeout(resolve, 100));
      fail(storageFailure);
      await expect(pending).rejects.toBe(storageFailure);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.requests).toHaveLength(0);
    });

    test('a timeout while the last bytes are held back is safe to resubmit: the provider never had the request', async () => {
      const neverStored = new Promise<void>(() => {});
      const error = await rejectionOf(call({ body: { input: { image: new InlineData(randomBytes(1_000_001), 'image/png') } }, holdLastBytesUntil: neverStored, timeoutMs: 300 }));
      expect(error.code).toBe('upstream_timeout');
      expect(upstreamFailureOf(error)?.kind).toBe('never-completed');
      expect(canResubmitSafely(error)).toBe(true);
      expect(server.requests).toHaveLength(0);
    });

    test('a body that is not streamed and whose gate outlasts the timeout is never sent, and safe to resubmit', async () => {
      const slowlyStored = new Promise<void>((resolve) => setTimeout(resolve, 400));
      const error = await rejectionOf(call({ body: { prompt: 'small' }, holdLastBytesUntil: slowlyStored, timeoutMs: 200 }));
      expect([error.code, upstreamFailureOf(error)?.kind]).toEqual(['upstream_timeout', 'never-completed']);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(server.requests).toHaveLength(0);
    });

    test('a body that is not streamed waits for the gate before the call starts', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const pending = call({ body: { prompt: 'small' }, holdLastBytesUntil: gate });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.requests).toHaveLength(0);
      release();
      await pending;
      expect(server.requests[0].json).toEqual({ prompt: 'small' });
    });

    test('connection refused is still recognised as such', async () => {
      const error = await rejectionOf(call({ url: `${await refusedOrigin()}/v1/thing`, body: { image: new InlineData(randomBytes(100_000), 'image/png') } }));
      expect(error.message).toBe('Example is unavailable (connection refused)');
      expect(upstreamFailureOf(error)?.kind).toBe('connection-refused');
    });

    /**
     * A 24 MB image whose base64 slices are counted: a server that never reads stalls the upload once the socket
     * buffers are full, so the call ends mid-body. (undici's fetch reads an aborted request body to its end, so
     * without the stream's own stop the rest of the image would still be encoded.)
     */
    const stalledUpload = async () => {
      const sockets = new Set<Socket>();
      const stalled = createServer((socket) => {
        socket.pause();
        sockets.add(socket);
      });
      await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
      const image = randomBytes(24 * 1024 * 1024);
      const counter = { slicesEncoded: 0, totalSlices: Math.ceil(image.length / (48 * 1024)) };
      const toBase64 = image.toString.bind(image);
      image.toString = ((...parameters: Parameters<Buffer['toString']>) => {
        counter.slicesEncoded += 1;
        return toBase64(...parameters);
      }) as Buffer['toString'];
      return {
        url: `http://127.0.0.1:${(stalled.address() as AddressInfo).port}/v1/thing`,
        body: { image: new InlineData(image, 'image/jpeg') },
        counter,
        async stop() {
          for (const socket of sockets) socket.destroy();
          await new Promise<void>((resolve) => stalled.close(() => resolve()));
        },
      };
    };

    test('a timeout during the upload → upstream_timeout, and the rest of the image is not encoded', async () => {
      const upload = await stalledUpload();
      try {
        const error = await rejectionOf(call({ url: upload.url, body: upload.body, timeoutMs: 300 }));
        expect([error.code, upstreamFailureOf(error)?.kind]).toEqual(['upstream_timeout', 'timeout']);
        const atFailure = upload.counter.slicesEncoded;
        expect(atFailure).toBeGreaterThan(0);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(upload.counter.slicesEncoded - atFailure).toBeLessThanOrEqual(1);
        expect(upload.counter.slicesEncoded).toBeLessThan(upload.counter.totalSlices);
      } finally {
        await upload.stop();
      }
    });

    test("the caller's abort during the upload rejects with its reason", async () => {
      const upload = await stalledUpload();
      try {
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error('client left')), 100);
        await expect(call({ url: upload.url, body: upload.body, signal: controller.signal, timeoutMs: 5_000 })).rejects.toThrow('client left');
        expect(upload.counter.slicesEncoded).toBeLessThan(upload.counter.totalSlices);
      } finally {
        await upload.stop();
      }
    });
  });
});
