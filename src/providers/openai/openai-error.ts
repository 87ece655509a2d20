import type { ErrorVerdict } from '../shared/http-status-verdict.ts';
import { httpStatusVerdict, truncateProviderCode, truncateProviderMessage } from '../shared/http-status-verdict.ts';

/** The provider name every OpenAI error message starts with. */
export const openAiDisplayName = 'OpenAI';

/** The fields of OpenAI's error envelope `{"error": {"message", "type", "param", "code"}}`, read leniently. */
export interface OpenAiErrorFields {
  message: string;
  type: string;
  param: string;
  code: string;
}

/** Reads the envelope; local servers sometimes answer `{"error": "text"}` or `{"detail": …}` instead. */
export function readOpenAiError(body: unknown): OpenAiErrorFields {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
  if (typeof record.error === 'string') return { message: record.error, type: '', param: '', code: '' };
  if (typeof record.error !== 'object' || record.error === null) return { message: text(record.detail) || text(record.message), type: '', param: '', code: '' };
  const error = record.error as Record<string, unknown>;
  return { message: text(error.message), type: text(error.type), param: text(error.param), code: text(error.code) };
}

/** `code` values that mean billing or quota — OpenAI sends some of them with 429, which must not be retried. */
const quotaCodes = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active']);

/**
 * Maps an OpenAI error answer (status ≥ 400) to the catalogue (spec §4): 401/403 → auth; 429 → throttled unless the
 * code is about quota; `moderation_blocked` / safety-system texts → content rejected; 404 → invalid request (an
 * unknown model, or a compatible server without `/images/edits`), never "retired"; 5xx → unavailable.
 *
 * @param requestId the `x-request-id` header, kept in the message so OpenAI support can find the call.
 */
export function openAiErrorVerdict(answer: { status: number; body: unknown }, requestId: string | undefined, secrets: readonly string[]): ErrorVerdict {
  const fields = readOpenAiError(answer.body);
  const providerCode = truncateProviderCode(fields.code || fields.type, secrets) || `HTTP ${answer.status}`;
  const base = truncateProviderMessage(fields.message, secrets) || `HTTP ${answer.status}`;
  // The param and the x-request-id header are the provider's text too: scrubbed like the message.
  const param = truncateProviderCode(fields.param, secrets);
  const shownRequestId = truncateProviderCode(requestId, secrets);
  const providerMessage = [base, param ? `(param ${param})` : '', shownRequestId ? `(x-request-id ${shownRequestId})` : ''].filter(Boolean).join(' ');
  const parameters = { provider: openAiDisplayName, providerCode, providerMessage };

  if (quotaCodes.has(fields.code) || quotaCodes.has(fields.type)) return { code: 'upstream_quota_exceeded', parameters, retryable: false };
  if (fields.code === 'moderation_blocked' || /safety system/i.test(fields.message) || fields.code === 'content_policy_violation') {
    return { code: 'upstream_content_rejected', parameters, retryable: false };
  }
  if (answer.status === 404) {
    return { code: 'upstream_invalid_request', parameters: { ...parameters, providerMessage: `${providerMessage}: the model is unknown to the server, or the server at OPENAI_BASE_URL does not serve /images/edits` } };
  }
  return httpStatusVerdict(openAiDisplayName, answer.status, providerCode, providerMessage);
}
