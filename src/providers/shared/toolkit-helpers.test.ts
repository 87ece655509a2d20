import sharp from 'sharp';
import { z } from 'zod';
import { describe, expect, test } from 'vitest';
import { rejectionOf, thrownBy } from '../../../test/fakes/caught-gateway-error.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { registerSecret } from '../../logging/logger.ts';
import { withoutDataUriPrefix } from './data-uri.ts';
import { decodeBase64Result } from './decode-base64-result.ts';
import { httpStatusVerdict, truncateProviderMessage } from './http-status-verdict.ts';
import { networkErrorKind } from './network-error-kind.ts';
import { parseProviderOptions } from './parse-provider-options.ts';
import { reencodeResult } from './reencode-output.ts';
import { parseRetryAfter } from './retry-after.ts';
import { sniffMediaType } from './sniff-media-type.ts';
import { canResubmitSafely, canRetryReadOnly } from './submit-retry-policy.ts';
import { UpstreamFailure } from './upstream-failure.ts';

const failure = (cause: UpstreamFailure) => new GatewayError('upstream_unavailable', { provider: 'X', reason: 'r' }, { cause });

describe('canResubmitSafely: a billable submit is resent only when the provider cannot have accepted it', () => {
  test.each([
    ['connection refused', new UpstreamFailure('connection-refused'), true],
    ['429', new UpstreamFailure('http', { httpStatus: 429 }), true],
    ['reset after sending', new UpstreamFailure('network'), false],
    ['timeout', new UpstreamFailure('timeout'), false],
    ['500', new UpstreamFailure('http', { httpStatus: 500 }), false],
    ['503', new UpstreamFailure('http', { httpStatus: 503 }), false],
    ['malformed 200', new UpstreamFailure('malformed'), false],
  ])('%s', (_name, cause, expected) => {
    expect(canResubmitSafely(failure(cause))).toBe(expected);
  });

  test('errors without an upstream cause are never resubmitted; read-only calls follow retryable', () => {
    expect(canResubmitSafely(new Error('x'))).toBe(false);
    expect(canRetryReadOnly(failure(new UpstreamFailure('timeout')))).toBe(true);
    expect(canRetryReadOnly(new GatewayError('upstream_auth_failed', { provider: 'X', providerCode: 'c' }))).toBe(false);
  });
});

describe('small helpers', () => {
  test('parseRetryAfter: seconds, dates, garbage, capped', () => {
    const now = new Date('2025-06-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('86400', now)).toBe(300_000);
  });

  test('decodeBase64Result: the media type from magic bytes; not an image → upstream_bad_response naming the field', async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer();
    expect(decodeBase64Result(png.toString('base64'), { provider: 'X', field: 'data[0].b64_json' })).toEqual({ bytes: png, mediaType: 'image/png' });
    expect(decodeBase64Result(withoutDataUriPrefix(`data:image/png;base64,${png.toString('base64')}`), { provider: 'X', field: 'f' }).bytes).toEqual(png);
    const error = thrownBy(() => decodeBase64Result('aGVsbG8=', { provider: 'X', field: 'Response.ResultImage' }));
    expect([error.code, error.message]).toEqual(['upstream_bad_response', 'X sent a response Atelier cannot read: Response.ResultImage is not a base64 image']);
    expect(withoutDataUriPrefix('aGVsbG8=')).toBe('aGVsbG8=');
  });

  test('reencodeResult: converts to the asked format; an undecodable result is the provider\'s bad response', async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer();
    expect((await reencodeResult({ bytes: png, mediaType: 'image/png' }, 'jpeg', { provider: 'X' })).mediaType).toBe('image/jpeg');
    const truncated = { bytes: png.subarray(0, 20), mediaType: 'image/png' };
    const error = await rejectionOf(reencodeResult(truncated, 'jpeg', { provider: 'X' }));
    expect([error.code, error.message]).toEqual(['upstream_bad_response', 'X sent a response Atelier cannot read: the result image could not be decoded']);
    expect((await rejectionOf(reencodeResult(truncated, 'webp', { provider: 'X', reason: 'a result image could not be decoded' }))).message).toContain('a result image');
  });

  test('sniffMediaType reads magic bytes', () => {
    expect(sniffMediaType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffMediaType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffMediaType(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffMediaType(Buffer.from('\0\0\0\x18ftypisom\0\0\0\0', 'latin1'))).toBe('video/mp4');
    expect(sniffMediaType(Buffer.from('\0\0\0\x18ftypavif\0\0\0\0', 'latin1'))).toBe('image/avif');
    expect(sniffMediaType(Buffer.from('<html>', 'latin1'))).toBeUndefined();
  });

  test('networkErrorKind finds ECONNREFUSED in fetch causes, including every address of happy eyeballs', () => {
    expect(networkErrorKind(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })).kind).toBe('connection-refused');
    expect(networkErrorKind({ cause: { errors: [{ code: 'ECONNREFUSED' }, { code: 'ECONNREFUSED' }] } }).kind).toBe('connection-refused');
    expect(networkErrorKind({ cause: { errors: [{ code: 'ECONNREFUSED' }, { code: 'ETIMEDOUT' }] } }).kind).toBe('network');
    expect(networkErrorKind(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }))).toEqual({ kind: 'network', reason: 'network error ECONNRESET' });
  });

  test('truncateProviderMessage scrubs given and registered secrets', () => {
    registerSecret('sk-registered-987654');
    expect(truncateProviderMessage('key sk-registered-987654 and sk-given-1', ['sk-given-1'])).toBe('key [redacted] and [redacted]');
    expect(truncateProviderMessage(42)).toBe('');
  });

  test('truncateProviderMessage shortens to 200 characters without cutting an emoji in half', () => {
    const shortened = truncateProviderMessage('😀'.repeat(250));
    expect(shortened).toBe(`${'😀'.repeat(197)}...`);
    expect(truncateProviderMessage('😀'.repeat(200))).toBe('😀'.repeat(200));
  });

  test('httpStatusVerdict: the generic meaning of a status', () => {
    expect([401, 402, 404, 408, 429, 500, 418].map((status) => httpStatusVerdict('X', status, 'c', 'm').code)).toEqual([
      'upstream_auth_failed', 'upstream_quota_exceeded', 'upstream_endpoint_retired', 'upstream_timeout', 'upstream_rate_limited', 'upstream_unavailable', 'upstream_invalid_request',
    ]);
  });

  test('parseProviderOptions: standard 400 messages; unknown options are errors', () => {
    const schema = z.strictObject({ level: z.number().int().min(1).max(3), mode: z.enum(['a', 'b']), flag: z.boolean() }).partial();
    const message = (value: unknown) => {
      try {
        parseProviderOptions(schema, value, 'provider_options.example');
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(message({ level: 2, mode: 'a' })).toBe('accepted');
    expect(message(undefined)).toBe('accepted');
    expect(message({ level: 4 })).toBe('Expected a number ≤ 3 for provider_options.example.level but received 4 (number)');
    expect(message({ mode: 'c' })).toBe('Expected one of: a, b for provider_options.example.mode but received "c" (string)');
    expect(message({ flag: 'yes' })).toBe('Expected a boolean for provider_options.example.flag but received "yes" (string)');
    expect(message({ levle: 1 })).toBe('Expected no such option (see GET /v1/models for the options this model takes) for provider_options.example.levle but received 1 (number)');
  });
});
