import { httpStatusVerdict, truncateProviderCode, truncateProviderMessage, type ErrorVerdict } from '../shared/http-status-verdict.ts';

/** The display name used in every DashScope error message. */
export const dashscopeProviderName = 'DashScope';

/** DashScope's flat error body (`{code, message, request_id}`), or the `output` of a FAILED task. */
export interface DashScopeErrorFields {
  code?: unknown;
  message?: unknown;
}

const invalidRequestCodes = new Set([
  'InvalidParameter', 'InvalidURL', 'UnsupportedOperation', 'InvalidImageResolution', 'InvalidImageFormat',
  'BadRequest.EmptyInput', 'BadRequest.EmptyParameters', 'BadRequest.EmptyModel', 'BadRequest.InputDownloadFailed',
  'InvalidFile.ImageSize', 'InvalidFile.Resolution', 'InternalError.Algo.InvalidParameter', 'InvalidParameter.DataInspection',
  'ModelNotFound',
]);
const contentRejectedCodes = new Set(['DataInspectionFailed', 'IPInfringementSuspect']);
const quotaCodes = new Set(['Arrearage', 'InsufficientBalance', 'AccessDenied.Unpurchased']);
const authCodes = new Set(['InvalidApiKey', 'AccessDenied', 'Model.AccessDenied', 'WorkSpaceNotFound']);
const throttlingCodes = new Set(['Throttling', 'Throttling.RateQuota', 'Throttling.AllocationQuota']);

/**
 * Maps a DashScope error (spec §6) to a catalogue error. `where` is `answer` for an HTTP error answer and `task`
 * for the `code`/`message` inside a FAILED poll; unrecognised codes fall back to the HTTP status (answers) or
 * `upstream_task_failed` (tasks). `secrets` are scrubbed from the provider message.
 *
 * @example dashscopeErrorVerdict({ code: 'Throttling.RateQuota', message: '…' }, { where: 'answer', httpStatus: 429 })
 */
export function dashscopeErrorVerdict(
  fields: DashScopeErrorFields,
  context: { where: 'answer' | 'task'; httpStatus?: number; secrets?: readonly string[] },
): ErrorVerdict {
  const provider = dashscopeProviderName;
  const providerCode = truncateProviderCode(fields.code, context.secrets) || 'no code';
  const providerMessage = truncateProviderMessage(fields.message, context.secrets) || 'no message';

  // The one AccessDenied that is not about the key: a missing async header is an adapter bug, not a user error.
  if (/synchronous calls/i.test(providerMessage)) {
    return { code: 'upstream_invalid_request', parameters: { provider, providerCode, providerMessage: `${providerMessage} (Atelier sent a request DashScope calls synchronous; please report this)` } };
  }
  if (throttlingCodes.has(providerCode) || context.httpStatus === 429) {
    return { code: 'upstream_rate_limited', parameters: { provider, providerCode, attempts: 0 } };
  }
  if (contentRejectedCodes.has(providerCode)) return { code: 'upstream_content_rejected', parameters: { provider, providerCode, providerMessage } };
  if (quotaCodes.has(providerCode)) return { code: 'upstream_quota_exceeded', parameters: { provider, providerCode, providerMessage } };
  if (authCodes.has(providerCode)) return { code: 'upstream_auth_failed', parameters: { provider, providerCode } };
  if (invalidRequestCodes.has(providerCode) || providerCode.startsWith('InvalidParameter') || providerCode.startsWith('BadRequest')) {
    return { code: 'upstream_invalid_request', parameters: { provider, providerCode, providerMessage } };
  }
  if (providerCode.startsWith('InternalError')) {
    return context.where === 'task'
      ? { code: 'upstream_task_failed', parameters: { provider, providerCode, providerMessage }, retryable: true }
      : { code: 'upstream_unavailable', parameters: { provider, reason: `HTTP ${context.httpStatus ?? 500} ${providerCode}` } };
  }
  if (context.where === 'task' || context.httpStatus === undefined) {
    return { code: 'upstream_task_failed', parameters: { provider, providerCode, providerMessage } };
  }
  return httpStatusVerdict(provider, context.httpStatus, providerCode, providerMessage);
}

/** `mapError` for `requestJson`: reads DashScope's flat error body. */
export function mapDashScopeAnswer(secrets: readonly string[]) {
  return (answer: { status: number; body: unknown }): ErrorVerdict => {
    const body = typeof answer.body === 'object' && answer.body !== null ? (answer.body as DashScopeErrorFields) : {};
    return dashscopeErrorVerdict(body, { where: 'answer', httpStatus: answer.status, secrets });
  };
}
