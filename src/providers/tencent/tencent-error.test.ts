import { describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../errors/catalogue.ts';
import { tencentErrorMapping, tencentErrorTable, tencentErrorVerdict } from './tencent-error.ts';

/** Every code listed in specs/tencent-aiart.md §5 (ImageToImage table, then the common codes). */
const specCodes = [
  'AuthFailure.UnauthorizedOperation', 'FailedOperation.GenerateImageFailed', 'FailedOperation.ImageDecodeFailed',
  'FailedOperation.ImageDownloadError', 'FailedOperation.ImageResolutionExceed', 'FailedOperation.ImageSizeExceed',
  'FailedOperation.InnerError', 'FailedOperation.RequestEntityTooLarge', 'FailedOperation.RequestTimeout',
  'FailedOperation.RpcFail', 'FailedOperation.ServerError', 'FailedOperation.Unknown', 'InvalidParameter.InvalidParameter',
  'InvalidParameterValue.ImageEmpty', 'InvalidParameterValue.ParameterValueError', 'InvalidParameterValue.StyleConflict',
  'InvalidParameterValue.TextLengthExceed', 'InvalidParameterValue.UrlIllegal', 'OperationDenied.ImageIllegalDetected',
  'OperationDenied.TextIllegalDetected', 'RequestLimitExceeded', 'RequestLimitExceeded.JobNumExceed',
  'ResourceUnavailable.Delivering', 'ResourceUnavailable.InArrears', 'ResourceUnavailable.LowBalance',
  'ResourceUnavailable.NotExist', 'ResourceUnavailable.StopUsing', 'ResourcesSoldOut.ChargeStatusException',
  'AuthFailure.SignatureFailure', 'AuthFailure.SignatureExpire', 'AuthFailure.SecretIdNotFound', 'AuthFailure.InvalidSecretId',
  'AuthFailure.InvalidAuthorization', 'AuthFailure.TokenFailure', 'AuthFailure.MFAFailure', 'InvalidAction', 'InvalidParameter',
  'InvalidParameterValue', 'MissingParameter', 'NoSuchVersion', 'UnsupportedRegion', 'UnsupportedProtocol',
  'UnsupportedOperation', 'InternalError', 'RequestSizeLimitExceeded', 'LimitExceeded', 'ResourceUnavailable',
  'ResourceNotFound', 'UnauthorizedOperation', 'ActionOffline', 'IpInBlacklist', 'IpNotInWhitelist', 'DryRunOperation',
  'FailedOperation', 'InvalidRequest',
];

/** Spec §5's "Retry?" column (yes / yes, back off / maybe once / later → retryable). */
const retryableCodes = new Set([
  'FailedOperation.GenerateImageFailed', 'FailedOperation.InnerError', 'FailedOperation.RequestTimeout', 'FailedOperation.RpcFail',
  'FailedOperation.ServerError', 'FailedOperation.Unknown', 'RequestLimitExceeded', 'RequestLimitExceeded.JobNumExceed',
  'ResourceUnavailable.Delivering', 'InternalError', 'ResourceUnavailable',
]);

describe('Tencent error table', () => {
  it('maps every code of the spec, and nothing the spec does not list', () => {
    expect(Object.keys(tencentErrorTable).sort()).toEqual([...specCodes].sort());
  });

  it.each(specCodes)('%s maps to a catalogue code with the spec\'s retry verdict', (code) => {
    const mapping = tencentErrorTable[code];
    expect(Object.hasOwn(errorCatalogue, mapping.code)).toBe(true);
    expect(mapping.retryable).toBe(retryableCodes.has(code));
  });

  it('sends the groups where they belong', () => {
    expect(tencentErrorMapping('AuthFailure.SignatureFailure').code).toBe('upstream_auth_failed');
    expect(tencentErrorMapping('RequestLimitExceeded.JobNumExceed')).toMatchObject({ code: 'upstream_rate_limited', throttled: true });
    expect(tencentErrorMapping('ResourceUnavailable.LowBalance').code).toBe('upstream_quota_exceeded');
    expect(tencentErrorMapping('OperationDenied.ImageIllegalDetected').code).toBe('upstream_content_rejected');
    expect(tencentErrorMapping('FailedOperation.ImageSizeExceed').code).toBe('upstream_invalid_request');
    expect(tencentErrorMapping('ActionOffline').code).toBe('upstream_endpoint_retired');
  });

  it('falls back on the code family for codes Tencent adds later', () => {
    expect(tencentErrorMapping('AuthFailure.SomethingNew').code).toBe('upstream_auth_failed');
    expect(tencentErrorMapping('RequestLimitExceeded.UinLimitExceeded')).toMatchObject({ code: 'upstream_rate_limited', retryable: true });
    expect(tencentErrorMapping('OperationDenied.NewCheck').code).toBe('upstream_content_rejected');
    expect(tencentErrorMapping('Completely.Unknown')).toEqual({ code: 'upstream_task_failed', retryable: false });
  });

  it('keeps Tencent\'s message short and scrubbed, and replaces misleading ones with a hint', () => {
    const long = tencentErrorVerdict({ Code: 'InvalidParameter', Message: `x${'y'.repeat(500)} SECRETSECRET` }, ['SECRETSECRET']);
    expect(String(long.parameters.providerMessage).length).toBeLessThanOrEqual(200);
    expect(String(long.parameters.providerMessage)).not.toContain('SECRETSECRET');
    const expired = tencentErrorVerdict({ Code: 'AuthFailure.SignatureExpire', Message: 'Signature expired' }, []);
    expect(String(expired.parameters.providerCode)).toContain('clock');
  });
});
