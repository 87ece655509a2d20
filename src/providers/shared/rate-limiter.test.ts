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

  test('gives back the slots of callers that gave up while they waited, except one still ahead of a waiting caller', async () => {
    const limiter = new RateLimiter(1, 1, () => 0); // 1 call per second; the clock stands still
    const waitUntilAborted = (_milliseconds: number, signal?: AbortSignal) =>
      new Promise<void>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
    await limiter.acquire(async () => {}); // goes out now
    // Ten polls queue up behind it (slots at 1 s … 10 s) and are all canceled before their slot comes.
    const canceled = new AbortController();
    const gaveUp = Array.from({ length: 10 }, () => limiter.acquire(waitUntilAborted, canceled.signal));
    canceled.abort(new Error('task canceled'));
    await Promise.allSettled(gaveUp);
    expect(limiter.reserve()).toBe(1000); // only one call went out: the next is due after 1 s, not 11 s
    // A caller that gives up between two that still wait: its slot stays taken, or the next caller would share a
    // second with the one after it.
    const limiterWithAHole = new RateLimiter(1, 1, () => 0);
    await limiterWithAHole.acquire(async () => {});
    const middle = new AbortController();
    const kept = limiterWithAHole.acquire(waitUntilAborted); // 1 s
    const dropped = limiterWithAHole.acquire(waitUntilAborted, middle.signal); // 2 s
    const last = limiterWithAHole.acquire(waitUntilAborted); // 3 s
    middle.abort(new Error('gone'));
    await expect(dropped).rejects.toThrow('gone');
    expect(limiterWithAHole.reserve()).toBe(4000);
    void kept;
    void last;
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
