import { describe, expect, test } from 'vitest';
import { RateLimiter, sharedRateLimiter } from './rate-limiter.ts';

describe('RateLimiter', () => {
  test('spaces calls at 1/rate with burst 1, in call order', () => {
    let now = 1_000;
    const limiter = new RateLimiter(20, 1, () => now);
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([0, 50, 100]);
    now += 1_000;
    expect(limiter.reserve()).toBe(0);
  });

  test('a burst lets that many through back to back after idling, then paces', () => {
    const limiter = new RateLimiter(2, 2, () => 0);
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([0, 0, 500, 1000]);
  });

  test('acquire sleeps for its slot with the caller-supplied sleep; abort rejects', async () => {
    const limiter = new RateLimiter(10, 1, () => 0);
    const sleeps: number[] = [];
    const sleep = async (milliseconds: number) => {
      sleeps.push(milliseconds);
    };
    await limiter.acquire(sleep);
    await limiter.acquire(sleep);
    expect(sleeps).toEqual([100]);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(limiter.acquire(sleep, controller.signal)).rejects.toThrow('stop');
  });

  test('refuses nonsense rates instead of clamping them', () => {
    expect(() => new RateLimiter(0, 1, () => 0)).toThrow(RangeError);
    expect(() => new RateLimiter(5, 0, () => 0)).toThrow(RangeError);
  });

  test('sharedRateLimiter returns one limiter per scope and account', () => {
    const first = sharedRateLimiter('test-scope', 'account-a', () => new RateLimiter(1, 1, () => 0));
    expect(sharedRateLimiter('test-scope', 'account-a', () => new RateLimiter(5, 1, () => 0))).toBe(first);
    expect(sharedRateLimiter('test-scope', 'account-b', () => new RateLimiter(5, 1, () => 0))).not.toBe(first);
    expect(sharedRateLimiter('other-scope', 'account-a', () => new RateLimiter(5, 1, () => 0))).not.toBe(first);
  });
});
