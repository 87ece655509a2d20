import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { startDashScopeFake, type DashScopeFake } from '../../../test/fakes/dashscope-fake-server.ts';
import { fakeModel } from '../../../test/fakes/dashscope-test-setup.ts';
import { testCall, testContext, testImage } from '../../../test/fakes/generation-call-kit.ts';
import type { ErrorCode } from '../../errors/catalogue.ts';
import type { ImageInput } from '../spec/generation-call.ts';
import { dashscopeErrorVerdict } from './dashscope-error.ts';

/** Every code in spec §6 (and §4.3), with the HTTP status it comes with (unverified ones: 400). */
const documentedErrors: Array<{ status: number; code: string; message: string; expected: ErrorCode; retryable: boolean }> = [
  { status: 400, code: 'InvalidParameter', message: 'Required parameter(s) missing or invalid, please check the request parameters.', expected: 'upstream_invalid_request', retryable: false },
  { status: 400, code: 'DataInspectionFailed', message: 'Input or output data may contain inappropriate content.', expected: 'upstream_content_rejected', retryable: false },
  { status: 400, code: 'BadRequest.EmptyInput', message: 'Required input parameter missing from request.', expected: 'upstream_invalid_request', retryable: false },
  { status: 400, code: 'BadRequest.EmptyParameters', message: 'Required parameter "parameters" missing from request.', expected: 'upstream_invalid_request', retryable: false },
  { status: 400, code: 'BadRequest.EmptyModel', message: 'Required parameter "model" missing from request.', expected: 'upstream_invalid_request', retryable: false },
  { status: 400, code: 'InvalidURL', message: 'Invalid URL provided in your request.', expected: 'upstream_invalid_request', retryable: false },
  { status: 400, code: 'Arrearage', message: 'Access denied, plesase make sure your account is in good standing.', expected: 'upstream_quota_exceeded', retryable: false },
  { status: 400, code: 'UnsupportedOperation', message: 'The operation is unsupported on the referee object.', expected: 'upstream_invalid_request', retryable: false },
  { status: 401, code: 'InvalidApiKey', message: 'Invalid API-key provided.', expected: 'upstream_auth_failed', retryable: false },
  { status: 429, code: 'Throttling.RateQuota', message: 'Requests rate limit exceeded, please try again later.', expected: 'upstream_rate_limited', retryable: true },
  { status: 400, code: 'IPInfringementSuspect', message: 'Input data is suspected of being involved in IP infringement.', expected: 'upstream_content_rejected', retryable: false },
  { status: 400, code: 'BadRequest.InputDownloadFailed', message: 'Failed to download the input file.', expected: 'upstream_invalid_request', retryable: false },
  { status: 400, code: 'InvalidImageResolution', message: 'The input image resolution is too large or small', expected: 'upstream_invalid_request', retryable: false },
  { status: 400, code: 'InvalidImageFormat', message: 'The input image is in invalid format', expected: 'upstream_invalid_request', retryable: false },
  { status: 429, code: 'Throttling', message: 'Requests throttling triggered.', expected: 'upstream_rate_limited', retryable: true },
  { status: 429, code: 'Throttling.AllocationQuota', message: 'Allocated quota exceeded, please increase your quota limit.', expected: 'upstream_rate_limited', retryable: true },
  { status: 403, code: 'AccessDenied', message: 'Access denied.', expected: 'upstream_auth_failed', retryable: false },
  { status: 403, code: 'AccessDenied.Unpurchased', message: 'Access to model denied. Please make sure you are eligible for using the model.', expected: 'upstream_quota_exceeded', retryable: false },
  { status: 403, code: 'Model.AccessDenied', message: 'Model access denied.', expected: 'upstream_auth_failed', retryable: false },
  { status: 400, code: 'ModelNotFound', message: 'Model not exist.', expected: 'upstream_invalid_request', retryable: false },
  { status: 404, code: 'WorkSpaceNotFound', message: 'WorkSpace can not be found.', expected: 'upstream_auth_failed', retryable: false },
  { status: 400, code: 'InternalError.Algo.InvalidParameter', message: 'An invalid parameter was passed to the algorithm.', expected: 'upstream_invalid_request', retryable: false },
  { status: 400, code: 'InvalidFile.ImageSize', message: 'The image size is too large.', expected: 'upstream_invalid_request', retryable: false },
  { status: 400, code: 'InvalidFile.Resolution', message: 'The resolution of the image is invalid.', expected: 'upstream_invalid_request', retryable: false },
  { status: 400, code: 'InsufficientBalance', message: 'Insufficient balance.', expected: 'upstream_quota_exceeded', retryable: false },
  // A 5xx on a submit may hide a created (billed) task: mapped to unavailable but never retried.
  { status: 500, code: 'InternalError', message: 'An internal error has occured, please try again later.', expected: 'upstream_unavailable', retryable: false },
  { status: 400, code: 'InvalidParameter.DataInspection', message: 'oss resource needs X-DashScope-OssResourceResolve', expected: 'upstream_invalid_request', retryable: false },
];

let fake: DashScopeFake;
let image: ImageInput;
beforeAll(async () => {
  fake = await startDashScopeFake({ enforceConcurrency: false });
  image = await testImage(600, 520);
});
afterAll(() => fake.stop());

describe('DashScope errors on submit, through the wire', () => {
  test.each(documentedErrors)('$status $code → $expected (retryable $retryable)', async ({ status, code, message, expected, retryable }) => {
    // Throttling is retried by the adapter (3 attempts): each attempt gets the same answer.
    fake.failNext('submit', { kind: 'answer', answer: { status, body: { code, message, request_id: 'r' } } }, retryable ? 3 : 1);
    const error = await rejectionOf(fakeModel(fake, 'wanx2.1-imageedit').start(testCall(image, { prompt: 'x' }), testContext()));
    expect(error.code).toBe(expected);
    expect(error.retryable).toBe(retryable);
    if (expected !== 'upstream_auth_failed' && expected !== 'upstream_rate_limited' && expected !== 'upstream_unavailable') {
      expect(error.message).toContain(`(${code})`);
      expect(error.message).toContain(message.slice(0, 20));
    }
  });

  test('the "synchronous calls" AccessDenied (missing async header) reads as an Atelier bug, not a bad key', () => {
    const verdict = dashscopeErrorVerdict({ code: 'AccessDenied', message: 'current user api does not support synchronous calls' }, { where: 'answer', httpStatus: 403 });
    expect(verdict.code).toBe('upstream_invalid_request');
    expect(String(verdict.parameters.providerMessage)).toContain('please report this');
  });

  test('a provider message that echoes the key is scrubbed', () => {
    const verdict = dashscopeErrorVerdict({ code: 'InvalidParameter', message: 'bad key sk-secret-123456 in request' }, { where: 'answer', httpStatus: 400, secrets: ['sk-secret-123456'] });
    expect(String(verdict.parameters.providerMessage)).toBe('bad key [redacted] in request');
  });

  test('a long provider message is cut to one line of 200 characters', () => {
    const verdict = dashscopeErrorVerdict({ code: 'InvalidParameter', message: `line one\nline two ${'x'.repeat(400)}` }, { where: 'answer', httpStatus: 400 });
    const text = String(verdict.parameters.providerMessage);
    expect(text.length).toBe(200);
    expect(text.startsWith('line one line two')).toBe(true);
  });

  test('an unknown code falls back to its HTTP status', () => {
    expect(dashscopeErrorVerdict({ code: 'SomethingNew' }, { where: 'answer', httpStatus: 503 }).code).toBe('upstream_unavailable');
    expect(dashscopeErrorVerdict({ code: 'SomethingNew' }, { where: 'answer', httpStatus: 400 }).code).toBe('upstream_invalid_request');
    expect(dashscopeErrorVerdict({}, { where: 'answer', httpStatus: 401 }).code).toBe('upstream_auth_failed');
  });
});

describe('DashScope errors inside a FAILED task', () => {
  test.each([
    ['InvalidParameter', 'upstream_invalid_request', false],
    ['DataInspectionFailed', 'upstream_content_rejected', false],
    ['IPInfringementSuspect', 'upstream_content_rejected', false],
    ['Arrearage', 'upstream_quota_exceeded', false],
    ['InternalError.Algo', 'upstream_task_failed', true],
    ['InternalError', 'upstream_task_failed', true],
    ['SomethingNew', 'upstream_task_failed', false],
    ['InvalidImageResolution', 'upstream_invalid_request', false],
  ] as const)('%s → %s (retryable %s)', (code, expected, retryable) => {
    const verdict = dashscopeErrorVerdict({ code, message: 'm' }, { where: 'task' });
    expect(verdict.code).toBe(expected);
    expect(verdict.retryable ?? false).toBe(retryable);
  });
});
