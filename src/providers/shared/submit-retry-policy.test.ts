/**
 * An error answer counts as safe to resubmit only when it says the provider made nothing. Tencent's
 * `FailedOperation.GenerateImageFailed` ("the generated image failed review") is retryable for the client, but the
 * image was generated, so the call may have been billed: the scheduler must not send it again.
 */
import { describe, expect, it } from 'vitest';
import { schedulerResubmits } from '../../../test/fakes/scheduler-verdict.ts';
import { tencentAnswerError } from '../../../test/fakes/tencent-answer-error.ts';
import { decisiveFailure } from './ambiguous-failure.ts';
import { canResubmitSafely } from './submit-retry-policy.ts';

describe('canResubmitSafely: error answers', () => {
  it('refuses an output that was generated and then failed review (it may have been billed)', () => {
    const generatedThenRejected = tencentAnswerError('FailedOperation.GenerateImageFailed');
    expect(canResubmitSafely(generatedThenRejected)).toBe(false);
    expect(schedulerResubmits(generatedThenRejected)).toBe(false);
  });

  it('a job whose calls all failed reports the review failure, so no retry of the job resends a generated image', () => {
    const failures = [tencentAnswerError('FailedOperation.InnerError'), tencentAnswerError('FailedOperation.GenerateImageFailed')];
    expect(decisiveFailure(failures)).toBe(failures[1]);
  });

  it('still allows an internal error or throttling the provider answered without making anything', () => {
    expect(canResubmitSafely(tencentAnswerError('FailedOperation.InnerError'))).toBe(true);
    expect(canResubmitSafely(tencentAnswerError('InternalError'))).toBe(true);
    expect(canResubmitSafely(tencentAnswerError('RequestLimitExceeded'))).toBe(true);
  });
});
