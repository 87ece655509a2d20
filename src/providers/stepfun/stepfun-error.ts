import type { ErrorVerdict } from '../shared/http-status-verdict.ts';
import { httpStatusVerdict, truncateProviderCode, truncateProviderMessage } from '../shared/http-status-verdict.ts';
import { stepfunEndpointRetirement } from './stepfun-capabilities.ts';

/** The provider name every StepFun error message starts with. */
export const stepfunDisplayName = 'StepFun';

/**
 * Texts that mean "this model or endpoint is offline". StepFun has published no code for it (spec §6: it may come
 * as 404, 410 or 400), so this list is data: a new wording is one more entry.
 */
export const stepfunRetirementPatterns: readonly RegExp[] = [
  /retire/i,
  /offline/i,
  /deprecat/i,
  /discontinu/i,
  /no longer (available|supported|served)/i,
  /下线/,
  /已不支持/,
  /不再支持/,
  /停止服务/,
];

/** Error `code` / `type` values that mean quota or billing, not throttling (OpenAI-style envelopes use 429 for both). */
const quotaMarkers = ['insufficient_quota', 'insufficient_balance', 'quota_exceeded', 'billing', 'balance'];
/** Error `code` / `type` values from the content check. */
const moderationMarkers = ['content_filter', 'content_policy', 'sensitive', 'moderation', 'censor'];

/** The fields of StepFun's (OpenAI-style) error envelope, read leniently. */
export interface StepFunErrorFields {
  message: string;
  type: string;
  code: string;
}

/** Reads `{"error": {"message", "type", "code"}}`, tolerating a missing envelope or a plain string. */
export function readStepFunError(body: unknown): StepFunErrorFields {
  const error = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).error : undefined;
  if (typeof error === 'string') return { message: error, type: '', code: '' };
  const record = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
  return { message: text(record.message), type: text(record.type), code: text(record.code) };
}

/**
 * Maps a StepFun error answer (status ≥ 400) to the catalogue. Retirement first: a 404/410 on the endpoint, or any
 * error whose text says the model or endpoint is offline, becomes the non-retryable `upstream_endpoint_retired`
 * naming StepFun, the model and the 2026-10-10 retirement.
 *
 * @param modelId the model the request named, for the retirement message.
 * @param secrets credentials to scrub if StepFun echoes one back.
 */
export function stepfunErrorVerdict(answer: { status: number; body: unknown }, modelId: string, secrets: readonly string[]): ErrorVerdict {
  const fields = readStepFunError(answer.body);
  const providerMessage = truncateProviderMessage(fields.message, secrets) || `HTTP ${answer.status}`;
  const providerCode = truncateProviderCode(fields.code || fields.type, secrets) || `HTTP ${answer.status}`;
  const searchable = `${fields.code} ${fields.type} ${fields.message}`;

  if (answer.status === 404 || answer.status === 410 || stepfunRetirementPatterns.some((pattern) => pattern.test(searchable))) {
    return {
      code: 'upstream_endpoint_retired',
      parameters: {
        provider: stepfunDisplayName,
        detail: `model ${modelId}, HTTP ${answer.status} ${providerCode}: StepFun retired its image endpoints (image2image included) on ${stepfunEndpointRetirement.date}, see ${stepfunEndpointRetirement.announcement}`,
      },
      retryable: false,
    };
  }
  const lowered = searchable.toLowerCase();
  if (answer.status === 402 || quotaMarkers.some((marker) => lowered.includes(marker))) {
    return { code: 'upstream_quota_exceeded', parameters: { provider: stepfunDisplayName, providerCode, providerMessage }, retryable: false };
  }
  if (moderationMarkers.some((marker) => lowered.includes(marker))) {
    return { code: 'upstream_content_rejected', parameters: { provider: stepfunDisplayName, providerCode, providerMessage }, retryable: false };
  }
  return httpStatusVerdict(stepfunDisplayName, answer.status, providerCode, providerMessage);
}
