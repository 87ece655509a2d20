import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LargeBodyGate } from './large-body-gate.ts';

/** A read that finishes when the test says so. */
function pendingRead<T>(value: T) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    finish = () => resolve(value);
    fail = reject;
  });
  return { read: () => promise, finish, fail };
}

describe('LargeBodyGate', () => {
  it('lets one read run at a time, in arrival order', async () => {
    const gate = new LargeBodyGate(10_000);
    const started: string[] = [];
    const first = pendingRead('a');
    const second = pendingRead('b');
    const third = pendingRead('c');
    const results = [
      gate.run(() => (started.push('a'), first.read())),
      gate.run(() => (started.push('b'), second.read())),
      gate.run(() => (started.push('c'), third.read())),
    ];
    await delay(5);
    expect(started).toEqual(['a']);
    expect(gate.queued).toBe(2);
    first.finish();
    await delay(5);
    expect(started).toEqual(['a', 'b']);
    second.finish();
    await delay(5);
    third.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(gate.queued).toBe(0);
  });

  it('passes the turn on when a read fails', async () => {
    const gate = new LargeBodyGate(10_000);
    const failing = pendingRead('x');
    const rejected = gate.run(failing.read);
    const next = gate.run(async () => 'next');
    failing.fail(new Error('client went away'));
    await expect(rejected).rejects.toThrow('client went away');
    expect(await next).toBe('next');
  });

  it('runs the holder\'s continuation before the next read starts', async () => {
    const gate = new LargeBodyGate(10_000);
    const order: string[] = [];
    const first = gate.run(async () => 'body').then(() => order.push('first parsed'));
    const second = gate.run(async () => order.push('second read'));
    await Promise.all([first, second]);
    expect(order).toEqual(['first parsed', 'second read']);
  });

  it('does not let a slow body hold everyone up: the turn passes on after the hold limit', async () => {
    const gate = new LargeBodyGate(30);
    const slow = pendingRead('slow');
    const slowResult = gate.run(slow.read);
    const fast = gate.run(async () => 'fast');
    expect(await fast).toBe('fast'); // did not wait for the slow body to finish
    slow.finish();
    expect(await slowResult).toBe('slow');
    // The slow holder's late finish must not hand out a second turn: still one at a time.
    const blocker = pendingRead('blocker');
    const blocked = gate.run(blocker.read);
    let afterStarted = false;
    const after = gate.run(async () => (afterStarted = true));
    await delay(10);
    expect(afterStarted).toBe(false);
    blocker.finish();
    await Promise.all([blocked, after]);
    expect(afterStarted).toBe(true);
  });
});
