import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { minimalMp4, startFakeServer, type FakeAnswer, type FakeServer } from '../../../test/fakes/fake-server-kit.ts';
import { downloadResult } from './download-result.ts';

let server: FakeServer;
let png: Buffer;
beforeEach(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } }).png().toBuffer();
  server = await startFakeServer((request): FakeAnswer => {
    if (request.path === '/image.png') return { status: 200, body: png, headers: { 'content-type': 'application/octet-stream' } };
    if (request.path === '/video.mp4') return { status: 200, body: minimalMp4() };
    if (request.path === '/page.html') return { status: 200, body: '<html>not an image</html>', headers: { 'content-type': 'image/png' } };
    if (request.path === '/moved') return { status: 302, headers: { location: '/image.png' } };
    return { status: 404, body: 'gone' };
  });
});
afterEach(() => server.stop());

// The fake serves on 127.0.0.1, as a local provider would: its result URLs may be on this machine.
const options = { fetch, endpoint: 'http://127.0.0.1/v1', maxBytes: 1_000_000, timeoutMs: 2_000, provider: 'Example' };
describe('downloadResult', () => {
  test('returns the bytes and the media type from magic bytes (not Content-Type)', async () => {
    const output = await downloadResult(`${server.origin}/image.png`, options);
    expect(output.mediaType).toBe('image/png');
    expect(output.bytes.equals(png)).toBe(true);
    expect((await downloadResult(`${server.origin}/video.mp4`, { ...options, expect: 'video' })).mediaType).toBe('video/mp4');
  });

  test('follows redirects of signed storage links', async () => {
    expect((await downloadResult(`${server.origin}/moved`, options)).mediaType).toBe('image/png');
  });

  test('refuses content that is not media, or not the expected kind', async () => {
    expect((await rejectionOf(downloadResult(`${server.origin}/page.html`, options))).message).toBe('Example sent a response Atelier cannot read: the result is not an image or video file');
    expect((await rejectionOf(downloadResult(`${server.origin}/image.png`, { ...options, expect: 'video' }))).message).toContain('expected a video result but received image/png');
  });

  test('refuses a file over the cap, for good: the same file will not be smaller when downloaded again', async () => {
    const tooLarge = await rejectionOf(downloadResult(`${server.origin}/image.png`, { ...options, maxBytes: 10 }));
    expect(tooLarge.message).toContain('larger than 10 bytes');
    expect([tooLarge.code, tooLarge.retryable]).toEqual(['upstream_bad_response', false]);
  });

  test('an expired link (404) is not retryable; non-http URLs are refused before any request', async () => {
    const expired = await rejectionOf(downloadResult(`${server.origin}/missing.png`, options));
    expect([expired.code, expired.retryable]).toEqual(['upstream_unavailable', false]);
    expect((await rejectionOf(downloadResult('file:///etc/passwd', options))).message).toContain('uses file:');
    expect(server.requests.every((request) => request.path !== '/etc/passwd')).toBe(true);
  });

  test('sends no credentials', async () => {
    await downloadResult(`${server.origin}/image.png`, options);
    expect(server.requests[0].headers.authorization).toBeUndefined();
  });

  test('a hang times out', async () => {
    server.script({ match: () => true, behaviour: { kind: 'hang' } });
    expect((await rejectionOf(downloadResult(`${server.origin}/image.png`, { ...options, timeoutMs: 100 }))).code).toBe('upstream_timeout');
  });
});
