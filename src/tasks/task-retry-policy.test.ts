import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import { UpstreamFailure } from '../providers/shared/upstream-failure.ts';
import { tencentAnswerError } from '../../test/fakes/tencent-answer-error.ts';
import { decideRetry, type RetryContext } from './task-retry-policy.ts';

const context: RetryContext = { attempts: 1, maxAttempts: 3, local: false, backoff: { baseMs: 1000, maxMs: 60_000, random: () => 0 } };

function throttled(retryAfterMs?: number): GatewayError {
  return new GatewayError('upstream_rate_limited', { provider: 'aliyun' }, { cause: new UpstreamFailure('http', { httpStatus: 429, retryAfterMs }) });
}

describe('decideRetry', () => {
  it('waits the backoff when the provider gave no Retry-After', () => {
    expect(decideRetry(throttled(), context)).toEqual({ retry: true, delayMilliseconds: 500 });
  });

  it("waits the provider's Retry-After when it is longer than the backoff", () => {
    expect(decideRetry(throttled(20_000), context)).toEqual({ retry: true, delayMilliseconds: 20_000 });
  });

  it('keeps the backoff when Retry-After is shorter', () => {
    expect(decideRetry(throttled(100), { ...context, attempts: 3, maxAttempts: 5 })).toEqual({ retry: true, delayMilliseconds: 2000 });
  });

  it('never resubmits a cloud call that may have been accepted, Retry-After or not', () => {
    const unavailable = new GatewayError('upstream_unavailable', { provider: 'aliyun' }, { cause: new UpstreamFailure('http', { httpStatus: 503, retryAfterMs: 1000 }) });
    expect(decideRetry(unavailable, context)).toEqual({ retry: false });
  });

  it("resends a Tencent \"retry once\" failure once, not up to the attempt limit", () => {
    const unknown = tencentAnswerError('FailedOperation.Unknown');
    expect(decideRetry(unknown, { ...context, attempts: 1, maxAttempts: 5 })).toMatchObject({ retry: true });
    expect(decideRetry(unknown, { ...context, attempts: 2, maxAttempts: 5 })).toEqual({ retry: false });
    // An internal error Tencent says to retry without a count keeps the attempt limit.
    expect(decideRetry(tencentAnswerError('FailedOperation.InnerError'), { ...context, attempts: 2, maxAttempts: 5 })).toMatchObject({ retry: true });
  });

  it('stops after the last attempt', () => {
    expect(decideRetry(throttled(1000), { ...context, attempts: 3 })).toEqual({ retry: false });
  });
});
