import { describe, expect, test } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isThrottledOrRefused, retryBillableCall } from './retry-billable-call.ts';
import { UpstreamFailure } from './upstream-failure.ts';

const unavailable = (cause: UpstreamFailure) => new GatewayError('upstream_unavailable', { provider: 'X', reason: 'r' }, { cause });
const throttled = () => new GatewayError('upstream_rate_limited', { provider: 'X', providerCode: 'RequestLimitExceeded', attempts: 0 });
const quota = () => new GatewayError('upstream_quota_exceeded', { provider: 'X', providerCode: 'insufficient_quota', providerMessage: 'm' },
  { cause: new UpstreamFailure('http', { httpStatus: 429 }) });

/** Runs `retryBillableCall` over scripted failures (then a success), recording the sleeps. */
async function scripted(failures: unknown[], attempts = 4): Promise<{ outcome: unknown; calls: number; sleeps: number[] }> {
  const sleeps: number[] = [];
  let calls = 0;
  const outcome = await retryBillableCall(async () => {
    calls += 1;
    if (calls <= failures.length) throw failures[calls - 1];
    return 'image';
  }, { attempts, sleep: async (milliseconds) => { sleeps.push(milliseconds); }, backoff: { baseMs: 100, random: () => 0 } }).catch((error: unknown) => error);
  return { outcome, calls, sleeps };
}

describe('retryBillableCall: a synchronous billable call is resent only when no image can have been made', () => {
  test.each([
    ['connection refused', unavailable(new UpstreamFailure('connection-refused')), true],
    ['throttled, even inside a 200 answer (no HTTP status)', throttled(), true],
    ['429 about quota', quota(), false],
    ['timeout', unavailable(new UpstreamFailure('timeout')), false],
    ['500', unavailable(new UpstreamFailure('http', { httpStatus: 500 })), false],
    ['not a GatewayError', new Error('bug'), false],
  ])('isThrottledOrRefused: %s → %s', (_name, error, expected) => {
    expect(isThrottledOrRefused(error)).toBe(expected);
  });

  test('retries throttling and refusals with backoff, then returns the answer', async () => {
    const { outcome, calls, sleeps } = await scripted([throttled(), unavailable(new UpstreamFailure('connection-refused'))]);
    expect([outcome, calls]).toEqual(['image', 3]);
    expect(sleeps).toEqual([50, 100]);
  });

  test('a failure that may hide a made image is neither retried nor left retryable for the scheduler', async () => {
    const { outcome, calls } = await scripted([unavailable(new UpstreamFailure('timeout'))]);
    expect(calls).toBe(1);
    expect(GatewayError.isInstance(outcome) && [outcome.code, outcome.retryable]).toEqual(['upstream_unavailable', false]);
  });

  test('a refused connection stays retryable when the attempts run out', async () => {
    const refused = unavailable(new UpstreamFailure('connection-refused'));
    const { outcome, calls } = await scripted([refused, refused], 2);
    expect(calls).toBe(2);
    expect(GatewayError.isInstance(outcome) && outcome.retryable).toBe(true);
  });
});
