import { GatewayError } from '../../errors/gateway-error.ts';
import type { Logger } from '../../logging/logger.ts';
import { createCallSignal } from './call-signal.ts';
import { httpStatusVerdict, type ErrorVerdict } from './http-status-verdict.ts';
import { jsonWithInlineData } from './inline-data-json.ts';
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
  /**
   * The body's last bytes are sent only once this settles; if it rejects, the call fails with its error and the
   * receiver never sees a complete request. The scheduler passes "the task's inputs are stored", so a billable
   * submission overlaps the input's disk write yet cannot complete before it. A body that is not streamed waits for
   * it before the call starts.
   */
  holdLastBytesUntil?: Promise<void>;
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
  // A gate that fails is the call's error, not a transport problem: its own error, however fetch reports it.
  let gateFailure: { error: unknown } | undefined;
  // While true, the provider has not been sent a whole request, whatever else went wrong.
  let heldBack = request.holdLastBytesUntil !== undefined;
  const gate = request.holdLastBytesUntil?.then(() => undefined, (error: unknown) => {
    gateFailure = { error };
    throw error;
  });
  // Handled here too: a call that fails before its last chunk never awaits the gate.
  gate?.catch(() => undefined);
  try {
    let response: Response;
    try {
      const body = bodyOptions(request, callSignal.signal, gate);
      if (body.streamed) {
        void gate?.then(() => (heldBack = false), () => undefined);
      } else {
        await gate;
        callSignal.signal.throwIfAborted(); // the wait used up the time: nothing was sent
        heldBack = false;
      }
      response = await request.fetch(request.url, {
        method: request.method,
        body: body.body,
        headers: body.headers,
        ...(body.streamed ? { duplex: 'half' } : {}),
        signal: callSignal.signal,
        redirect: 'error',
      });
    } catch (error) {
      if (gateFailure) throw gateFailure.error;
      if (heldBack) throw heldBackError(request, callSignal.timedOut(), error);
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
    // An oversized error answer still says what its status says (a 429 stays throttling, safe to resend).
    if (text === undefined && response.status >= 400) throw errorAnswer(request, response, undefined, requestId);
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

/**
 * The body, headers and duplex mode of the call. A JSON body with inline images goes as a stream with a fixed
 * Content-Length instead of one 10.7 MB Buffer for an 8 MB image, which undici would copy once more: no large
 * allocations, and the encoding overlaps the upload (measured on an 8 MB image: ~20 % less CPU and wall time). undici
 * sends a stream body with the Content-Length given in the headers (no chunked encoding, which providers like
 * DashScope do not accept). Bodies without inline data are small and go as one Buffer, which undici measures itself.
 */
function bodyOptions(request: JsonRequest, signal: AbortSignal, gate: Promise<void> | undefined): Pick<RequestInit, 'body' | 'headers'> & { streamed: boolean } {
  if (request.form) return { body: request.form, headers: request.headers, streamed: false };
  if (request.body === undefined) return { headers: request.headers, streamed: false };
  const json = jsonWithInlineData(request.body);
  if (json.inlineValueCount === 0) return { body: json.toBuffer(), headers: request.headers, streamed: false };
  return {
    body: readableStreamOf(json.chunks({ beforeLastChunk: gate }), signal),
    headers: { ...request.headers, 'content-length': String(json.length) },
    streamed: true,
  };
}

/**
 * `chunks` as a fetch body. A plain (not byte) stream hands undici each chunk as it is, without copying it (as undici
 * does for an async iterable body) or transferring its memory (as a byte stream does); a high-water mark of 0 makes
 * the next chunk only when undici asks for it, so the image is encoded no faster than the socket takes it. After an abort or timeout
 * undici's fetch keeps reading the request body to its end and drops it, which would encode the rest of the image for
 * nothing, so the stream stops by itself once `signal` has aborted.
 */
function readableStreamOf(chunks: AsyncGenerator<Uint8Array, void, undefined>, signal: AbortSignal): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (signal.aborted) {
        await chunks.return();
        controller.error(signal.reason);
        return;
      }
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return();
    },
  }, { highWaterMark: 0 });
}

function parseJson(text: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/**
 * A call that failed while its body's last bytes were still held back (the inputs were not stored yet): as
 * `transportError` says, except that the provider provably never saw a whole request, so sending it again is safe.
 */
function heldBackError(request: JsonRequest, timedOut: boolean, error: unknown): unknown {
  const mapped = transportError(request, timedOut, error);
  if (!GatewayError.isInstance(mapped)) return mapped;
  return new GatewayError(mapped.code, mapped.parameters, { cause: new UpstreamFailure('never-completed') });
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
