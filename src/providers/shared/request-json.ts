import { GatewayError } from '../../errors/gateway-error.ts';
import type { Logger } from '../../logging/logger.ts';
import { createCallSignal } from './call-signal.ts';
import { httpStatusVerdict, type ErrorVerdict } from './http-status-verdict.ts';
import { serializeJsonWithInlineData } from './inline-data-json.ts';
import { networkErrorKind } from './network-error-kind.ts';
import { readBodyWithLimit } from './read-body-with-limit.ts';
import { parseRetryAfter } from './retry-after.ts';
import { UpstreamFailure } from './upstream-failure.ts';

/**
 * One call to a provider that answers JSON. Headers are built by the adapter from scratch: nothing of the client's
 * is copied.
 */
export interface JsonRequest {
  /** Display name in error messages, e.g. `DashScope`. */
  provider: string;
  fetch: typeof fetch;
  url: string;
  method: 'GET' | 'POST' | 'DELETE';
  headers: Readonly<Record<string, string>>;
  /** Serialised as JSON (`InlineData` values become data URIs without extra copies); absent for GET. */
  body?: unknown;
  /**
   * Sent as multipart/form-data instead of `body` (OpenAI's image edits upload files); `Content-Type`, with the
   * boundary, is left to `fetch`.
   */
  form?: FormData;
  /** Timeout of the whole call including the body, in ms. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Largest accepted response body (default 2 MB: JSON answers are small; results are downloaded separately). */
  maxResponseBytes?: number;
  /**
   * Maps an error answer (status ≥ 400, body parsed when it is JSON, `requestId` from the `x-request-id` header) to
   * a catalogue error; return undefined to use the generic mapping by status. The adapter's `<id>-error.ts`
   * provides this.
   */
  mapError?(answer: { status: number; body: unknown; requestId: string | undefined }): ErrorVerdict | undefined;
  now?(): Date;
  logger?: Logger;
}

/** A successful (2xx) answer with its parsed JSON body. */
export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * Calls a provider and returns its parsed 2xx JSON answer. Every failure becomes a catalogue `GatewayError` whose
 * `cause` is an `UpstreamFailure` (what retry policies read):
 * connection refused / reset / DNS → `upstream_unavailable` (retryable); no answer within `timeoutMs` →
 * `upstream_timeout`; an error status → `mapError` or the generic status mapping, with `Retry-After` kept for 429
 * and 503; a 2xx body that is not JSON → `upstream_bad_response`. A caller abort rejects with the signal's reason.
 *
 * @example const { body } = await requestJson({ provider: 'DashScope', fetch, url, method: 'GET', headers, timeoutMs: 30_000 });
 */
export async function requestJson(request: JsonRequest): Promise<JsonResponse> {
  const callSignal = createCallSignal(request.timeoutMs, request.signal);
  const started = Date.now();
  try {
    let response: Response;
    try {
      response = await request.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        // The serialised Buffer goes as it is: undici copies a BufferSource body once anyway, so a `new Uint8Array(…)`
        // here would be a second 10.7 MB copy (~2 ms) of an 8 MB image's body.
        body: request.form ?? (request.body === undefined ? undefined : serializeJsonWithInlineData(request.body)),
        signal: callSignal.signal,
        redirect: 'error',
      });
    } catch (error) {
      throw transportError(request, callSignal.timedOut(), error);
    }
    let text: Buffer | undefined;
    try {
      text = await readBodyWithLimit(response, request.maxResponseBytes ?? 2 * 1024 * 1024);
    } catch (error) {
      throw transportError(request, callSignal.timedOut(), error);
    }
    const requestId = response.headers.get('x-request-id') ?? undefined;
    request.logger?.debug('provider call', {
      provider: request.provider, method: request.method, url: request.url, status: response.status, requestId, milliseconds: Date.now() - started,
    });
    if (text === undefined) {
      throw new GatewayError('upstream_bad_response', { provider: request.provider, reason: 'the answer is larger than the limit' },
        { cause: new UpstreamFailure('malformed', { httpStatus: response.status }) });
    }
    const parsed = parseJson(text);
    if (response.status >= 400) throw errorAnswer(request, response, parsed.ok ? parsed.value : undefined, requestId);
    if (!parsed.ok) {
      throw new GatewayError('upstream_bad_response', { provider: request.provider, reason: `malformed JSON in an HTTP ${response.status} answer` },
        { cause: new UpstreamFailure('malformed', { httpStatus: response.status }) });
    }
    return { status: response.status, headers: response.headers, body: parsed.value };
  } finally {
    callSignal.dispose();
  }
}

function parseJson(text: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

function transportError(request: JsonRequest, timedOut: boolean, error: unknown): unknown {
  if (request.signal?.aborted) return request.signal.reason ?? error;
  if (timedOut) {
    return new GatewayError('upstream_timeout', { provider: request.provider, timeoutMs: request.timeoutMs },
      { cause: new UpstreamFailure('timeout') });
  }
  const { kind, reason } = networkErrorKind(error);
  return new GatewayError('upstream_unavailable', { provider: request.provider, reason }, { cause: new UpstreamFailure(kind) });
}

function errorAnswer(request: JsonRequest, response: Response, body: unknown, requestId: string | undefined): GatewayError {
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), request.now?.() ?? new Date());
  const verdict = request.mapError?.({ status: response.status, body, requestId })
    ?? httpStatusVerdict(request.provider, response.status, '', `HTTP ${response.status}`, request.timeoutMs);
  const providerCode = typeof verdict.parameters.providerCode === 'string' ? verdict.parameters.providerCode : undefined;
  return new GatewayError(verdict.code, verdict.parameters, {
    retryable: verdict.retryable,
    cause: new UpstreamFailure('http', { httpStatus: response.status, retryAfterMs, providerCode }),
  });
}
