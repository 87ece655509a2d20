import type { ErrorCode } from '../../errors/catalogue.ts';
import type { ErrorVerdict } from '../shared/http-status-verdict.ts';
import { truncateProviderCode, truncateProviderMessage } from '../shared/http-status-verdict.ts';

/** The provider name every Tencent error message starts with. */
export const tencentDisplayName = 'Tencent Cloud aiart';

/** How one Tencent error code maps onto Atelier's catalogue. */
export interface TencentErrorMapping {
  code: ErrorCode;
  /** Whether sending the same request again may succeed; overrides the catalogue default where Tencent says so. */
  retryable: boolean;
  /** Throttling codes that the adapter itself retries with backoff before giving up. */
  throttled?: boolean;
  /** A sentence that replaces Tencent's message when Tencent's own text would mislead (e.g. a clock problem). */
  hint?: string;
  /** Spec §5 says "retry once" for some codes: the task sends the request again at most this many times. */
  resubmitAtMost?: number;
}

const authFailed = (hint?: string): TencentErrorMapping => ({ code: 'upstream_auth_failed', retryable: false, hint });
const invalid = (hint?: string): TencentErrorMapping => ({ code: 'upstream_invalid_request', retryable: false, hint });
const contentRejected = (retryable = false): TencentErrorMapping => ({ code: 'upstream_content_rejected', retryable });
const unavailable: TencentErrorMapping = { code: 'upstream_unavailable', retryable: true };
const quota: TencentErrorMapping = { code: 'upstream_quota_exceeded', retryable: false };
const throttled: TencentErrorMapping = { code: 'upstream_rate_limited', retryable: true, throttled: true };

/**
 * Every code of spec §5 — ImageToImage's own codes and the common codes of every Tencent Cloud API — with its
 * catalogue code and whether a retry may help. Data, so a new code is one line; `tencent-error.test.ts` checks that
 * the spec's whole list is here.
 */
export const tencentErrorTable: Readonly<Record<string, TencentErrorMapping>> = {
  // ImageToImage-specific codes (sdk-go aiart/v20221229/errors.go).
  'AuthFailure.UnauthorizedOperation': authFailed(),
  // "The generated image failed review; please try again": a new sample may pass, so one retry is worth it.
  'FailedOperation.GenerateImageFailed': contentRejected(true),
  'FailedOperation.ImageDecodeFailed': invalid(),
  'FailedOperation.ImageDownloadError': invalid(),
  'FailedOperation.ImageResolutionExceed': invalid(),
  'FailedOperation.ImageSizeExceed': invalid(),
  'FailedOperation.InnerError': unavailable,
  'FailedOperation.RequestEntityTooLarge': invalid(),
  'FailedOperation.RequestTimeout': unavailable,
  'FailedOperation.RpcFail': unavailable,
  'FailedOperation.ServerError': unavailable,
  'FailedOperation.Unknown': { ...unavailable, resubmitAtMost: 1 },
  'InvalidParameter.InvalidParameter': invalid(),
  'InvalidParameterValue.ImageEmpty': invalid(),
  'InvalidParameterValue.ParameterValueError': invalid(),
  'InvalidParameterValue.StyleConflict': invalid(),
  'InvalidParameterValue.TextLengthExceed': invalid(),
  'InvalidParameterValue.UrlIllegal': invalid(),
  'OperationDenied.ImageIllegalDetected': contentRejected(),
  'OperationDenied.TextIllegalDetected': contentRejected(),
  'RequestLimitExceeded': throttled,
  'RequestLimitExceeded.JobNumExceed': throttled,
  // "Resource being delivered": the purchase is still being provisioned; later it will work.
  'ResourceUnavailable.Delivering': unavailable,
  'ResourceUnavailable.InArrears': quota,
  'ResourceUnavailable.LowBalance': quota,
  'ResourceUnavailable.NotExist': { ...quota, hint: 'the aiart service is not activated for this account: activate it in the Tencent Cloud console' },
  'ResourceUnavailable.StopUsing': quota,
  'ResourcesSoldOut.ChargeStatusException': quota,

  // Common codes of every Tencent Cloud API 3.0 action.
  'AuthFailure.SignatureFailure': authFailed(),
  // Tencent's text blames the signature; the cause is almost always this machine's clock.
  'AuthFailure.SignatureExpire': authFailed('the request timestamp is more than 5 minutes away from Tencent\'s clock: synchronise this machine\'s clock (NTP)'),
  'AuthFailure.SecretIdNotFound': authFailed(),
  'AuthFailure.InvalidSecretId': authFailed(),
  'AuthFailure.InvalidAuthorization': authFailed(),
  'AuthFailure.TokenFailure': authFailed(),
  'AuthFailure.MFAFailure': authFailed(),
  'InvalidAction': invalid('the endpoint does not know the ImageToImage action: check TENCENTCLOUD_AIART_ENDPOINT'),
  'InvalidParameter': invalid(),
  'InvalidParameterValue': invalid(),
  'MissingParameter': invalid(),
  'NoSuchVersion': invalid('the endpoint does not serve API version 2022-12-29: check TENCENTCLOUD_AIART_ENDPOINT'),
  'UnsupportedRegion': invalid('ImageToImage is not offered in the configured region: set TENCENTCLOUD_REGION (e.g. ap-guangzhou, or ap-singapore for international accounts)'),
  'UnsupportedProtocol': invalid(),
  'UnsupportedOperation': invalid(),
  'InternalError': unavailable,
  'RequestSizeLimitExceeded': invalid(),
  'LimitExceeded': quota,
  'ResourceUnavailable': unavailable,
  'ResourceNotFound': invalid(),
  'UnauthorizedOperation': authFailed(),
  'ActionOffline': { code: 'upstream_endpoint_retired', retryable: false },
  'IpInBlacklist': authFailed(),
  'IpNotInWhitelist': authFailed(),
  'DryRunOperation': invalid(),
  'FailedOperation': { code: 'upstream_task_failed', retryable: false },
  'InvalidRequest': invalid(),
};

/** For codes Tencent adds later: the family (text before the first dot) decides. */
const familyFallback: Readonly<Record<string, TencentErrorMapping>> = {
  AuthFailure: authFailed(),
  FailedOperation: { code: 'upstream_task_failed', retryable: false },
  InternalError: unavailable,
  InvalidParameter: invalid(),
  InvalidParameterValue: invalid(),
  LimitExceeded: quota,
  MissingParameter: invalid(),
  OperationDenied: contentRejected(),
  RequestLimitExceeded: throttled,
  ResourceInsufficient: unavailable,
  ResourceUnavailable: quota,
  ResourcesSoldOut: quota,
  UnauthorizedOperation: authFailed(),
  UnsupportedOperation: invalid(),
};

/** The mapping for a Tencent error code: exact entry, else its family, else a non-retryable task failure. */
export function tencentErrorMapping(providerCode: string): TencentErrorMapping {
  return tencentErrorTable[providerCode]
    ?? familyFallback[providerCode.split('.')[0]]
    ?? { code: 'upstream_task_failed', retryable: false };
}

/**
 * Turns `Response.Error` into a catalogue verdict. The message is Tencent's (scrubbed, one line, ≤ 200 characters),
 * or the mapping's hint when Tencent's text would send the user the wrong way.
 *
 * @param secrets credentials to scrub in case Tencent echoes one back.
 */
export function tencentErrorVerdict(
  error: { Code: string; Message?: string },
  secrets: readonly string[],
  attempts = 0,
): ErrorVerdict & { throttled: boolean; resubmitAtMost?: number } {
  const mapping = tencentErrorMapping(error.Code);
  const providerCode = truncateProviderCode(error.Code, secrets) || 'no code';
  const providerMessage = mapping.hint ?? (truncateProviderMessage(error.Message, secrets) || 'no message');
  const parameters = {
    provider: tencentDisplayName,
    providerCode: mapping.code === 'upstream_auth_failed' && mapping.hint ? `${providerCode}: ${mapping.hint}` : providerCode,
    providerMessage,
    reason: `${providerCode}: ${providerMessage}`,
    detail: `${providerCode}: ${providerMessage}`,
    attempts,
  };
  return { code: mapping.code, parameters, retryable: mapping.retryable, throttled: mapping.throttled === true, resubmitAtMost: mapping.resubmitAtMost };
}
