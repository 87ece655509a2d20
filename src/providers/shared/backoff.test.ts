import { describe, expect, test } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { backoffDelay, retryWithBackoff } from './backoff.ts';
import { UpstreamFailure } from './upstream-failure.ts';

const throttled = (retryAfterMs?: number) => new GatewayError('upstream_rate_limited', { provider: 'Example', providerCode: '429', attempts: 0 }, { cause: new UpstreamFailure('http', { httpStatus: 429, retryAfterMs }) });

describe('backoffDelay', () => {
  test('equal jitter: between half and all of min(max, base·2^attempt)', () => {
    expect(backoffDelay(0, { baseMs: 500, random: () => 0 })).toBe(250);
    expect(backoffDelay(0, { baseMs: 500, random: () => 0.999999 })).toBe(500);
    expect(backoffDelay(3, { baseMs: 500, random: () => 0 })).toBe(2_000);
    expect(backoffDelay(20, { baseMs: 500, maxMs: 30_000, random: () => 1 })).toBe(30_000);
  });
});

describe('retryWithBackoff', () => {
  test('retries what shouldRetry allows, waiting the longer of backoff and Retry-After', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await retryWithBackoff(async () => {
      calls += 1;
      if (calls < 3) throw throttled(calls === 1 ? 9_000 : undefined);
      return 'done';
    }, { attempts: 5, shouldRetry: () => true, sleep: async (milliseconds) => { sleeps.push(milliseconds); }, backoff: { baseMs: 100, random: () => 0 } });
    expect(result).toBe('done');
    expect(sleeps).toEqual([9_000, 100]);
  });

  test('stops at once on an error shouldRetry refuses', async () => {
    let calls = 0;
    await expect(retryWithBackoff(async () => {
      calls += 1;
      throw new Error('fatal');
    }, { attempts: 5, shouldRetry: () => false, sleep: async () => undefined })).rejects.toThrow('fatal');
    expect(calls).toBe(1);
  });

  test('when throttling outlasts the attempts, the error says how many retries were made', async () => {
    const error = await retryWithBackoff(async () => {
      throw throttled();
    }, { attempts: 4, shouldRetry: () => true, sleep: async () => undefined }).catch((caught: unknown) => caught);
    expect(GatewayError.isInstance(error) && error.message).toBe('Example is throttling requests (429); retried 3 times');
  });

  test('an aborted signal stops retrying', async () => {
    const controller = new AbortController();
    let calls = 0;
    await expect(retryWithBackoff(async () => {
      calls += 1;
      controller.abort();
      throw throttled();
    }, { attempts: 5, shouldRetry: () => true, sleep: async () => undefined, signal: controller.signal })).rejects.toThrow();
    expect(calls).toBe(1);
  });
});
