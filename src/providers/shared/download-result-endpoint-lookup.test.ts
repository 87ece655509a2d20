/**
 * Review of the endpoint check `downloadResult` makes before each result download: judging a provider endpoint
 * written as a host name takes a DNS lookup, and a resolver that does not answer must not hold the download past its
 * timeout, nor past the caller's abort (a cancel, the task's deadline, shutdown).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { downloadResult } from './download-result.ts';

const dns = vi.hoisted(() => ({ answer: undefined as undefined | (() => Promise<unknown>) }));
vi.mock('node:dns/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:dns/promises')>();
  const lookup = (...args: Parameters<typeof actual.lookup>) => (dns.answer ? dns.answer() : actual.lookup(...args));
  return { ...actual, default: { ...actual, lookup }, lookup };
});
afterEach(() => {
  dns.answer = undefined;
});

/** A resolver that never answers: the lookup settles only when the test ends. */
const silentResolver = () => new Promise<never>(() => undefined);
const options = { fetch, endpoint: 'https://provider.example/v1', maxBytes: 1_000_000, provider: 'Example' };

describe('the endpoint check of a result download', () => {
  it('is bounded by the download timeout when the resolver does not answer', async () => {
    dns.answer = silentResolver;
    const started = Date.now();
    const error = await rejectionOf(downloadResult('https://8.8.8.8/result.png', { ...options, timeoutMs: 200 }));
    expect(error.code).toBe('upstream_timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  }, 5000);

  it('ends at once when the caller aborts while the resolver does not answer', async () => {
    dns.answer = silentResolver;
    const caller = new AbortController();
    const reason = new Error('task canceled');
    setTimeout(() => caller.abort(reason), 50);
    await expect(downloadResult('https://8.8.8.8/result.png', { ...options, timeoutMs: 60_000, signal: caller.signal })).rejects.toBe(reason);
  }, 5000);
});
