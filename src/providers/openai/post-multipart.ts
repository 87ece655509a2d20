import { GatewayError } from '../../errors/gateway-error.ts';
import type { Logger } from '../../logging/logger.ts';
import { createCallSignal } from '../shared/call-signal.ts';
import type { ErrorVerdict } from '../shared/http-status-verdict.ts';
import { networkErrorKind } from '../shared/network-error-kind.ts';
import { readBodyWithLimit } from '../shared/read-body-with-limit.ts';
import { parseRetryAfter } from '../shared/retry-after.ts';
import { UpstreamFailure } from '../shared/upstream-failure.ts';

/** One multipart/form-data POST to a provider that answers JSON. */
export interface MultipartRequest {
  /** Display name in error messages. */
  provider: string;
  fetch: typeof fetch;
  url: string;
  /** Built from scratch by the adapter; `Content-Type` (with the boundary) is left to `fetch`. */
  headers: Readonly<Record<string, string>>;
  form: FormData;
  timeoutMs: number;
  signal?: AbortSignal;
  maxResponseBytes: number;
  /** Maps an error answer (status ≥ 400) to a catalogue verdict; `requestId` is the `x-request-id` header. */
  mapError(answer: { status: number; body: unknown; requestId: string | undefined }): ErrorVerdict;
  now(): Date;
  logger?: Logger;
}

/**
 * Sends the form and returns the parsed 2xx JSON answer, failing exactly like the shared `requestJson` (which only
 * sends JSON): refused/reset → `upstream_unavailable`, no answer in time → `upstream_timeout`, error status →
 * `mapError` with Retry-After kept on the `UpstreamFailure`, unreadable 2xx → `upstream_bad_response`; a caller
 * abort rejects with the signal's reason.
 */
export async function postMultipart(request: MultipartRequest): Promise<{ status: number; headers: Headers; body: unknown }> {
  const callSignal = createCallSignal(request.timeoutMs, request.signal);
  const started = Date.now();
  try {
    let response: Response;
    let bytes: Buffer | undefined;
    try {
      response = await request.fetch(request.url, {
        method: 'POST', headers: request.headers, body: request.form, signal: callSignal.signal, redirect: 'error',
      });
      bytes = await readBodyWithLimit(response, request.maxResponseBytes);
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason ?? error;
      if (callSignal.timedOut()) {
        throw new GatewayError('upstream_timeout', { provider: request.provider, timeoutMs: request.timeoutMs }, { cause: new UpstreamFailure('timeout') });
      }
      const { kind, reason } = networkErrorKind(error);
      throw new GatewayError('upstream_unavailable', { provider: request.provider, reason }, { cause: new UpstreamFailure(kind) });
    }
    const requestId = response.headers.get('x-request-id') ?? undefined;
    request.logger?.debug('provider call', {
      provider: request.provider, method: 'POST', url: request.url, status: response.status, requestId, milliseconds: Date.now() - started,
    });
    if (bytes === undefined) {
      throw new GatewayError('upstream_bad_response', { provider: request.provider, reason: 'the answer is larger than the limit' },
        { cause: new UpstreamFailure('malformed', { httpStatus: response.status }) });
    }
    let parsed: { ok: true; value: unknown } | { ok: false };
    try {
      parsed = { ok: true, value: JSON.parse(bytes.toString('utf8')) };
    } catch {
      parsed = { ok: false };
    }
    if (response.status >= 400) {
      const verdict = request.mapError({ status: response.status, body: parsed.ok ? parsed.value : undefined, requestId });
      const providerCode = typeof verdict.parameters.providerCode === 'string' ? verdict.parameters.providerCode : undefined;
      throw new GatewayError(verdict.code, verdict.parameters, {
        retryable: verdict.retryable,
        cause: new UpstreamFailure('http', { httpStatus: response.status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), request.now()), providerCode }),
      });
    }
    if (!parsed.ok) {
      throw new GatewayError('upstream_bad_response', { provider: request.provider, reason: `malformed JSON in an HTTP ${response.status} answer` },
        { cause: new UpstreamFailure('malformed', { httpStatus: response.status }) });
    }
    return { status: response.status, headers: response.headers, body: parsed.value };
  } finally {
    callSignal.dispose();
  }
}
