import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { oneAtATime } from './one-at-a-time.ts';

describe('oneAtATime', () => {
  it('starts each call only after the previous one settled, in call order, even when an earlier one fails', async () => {
    const inTurn = oneAtATime();
    const events: string[] = [];
    const slowFailure = inTurn(async () => {
      events.push('first starts');
      await sleep(30);
      events.push('first fails');
      throw new Error('first');
    });
    const fast = inTurn(async () => {
      events.push('second starts');
      return 2;
    });
    await expect(slowFailure).rejects.toThrow('first');
    expect(await fast).toBe(2);
    expect(events).toEqual(['first starts', 'first fails', 'second starts']);
  });
});
