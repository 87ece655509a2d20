import { GatewayError } from '../../errors/gateway-error.ts';
import type { GenerationOutput } from '../spec/generation-call.ts';
import { createCallSignal } from './call-signal.ts';
import { endpointIsPrivate } from './endpoint-is-private.ts';
import { fetchPublicOnly, ResultUrlRefused } from './fetch-public-only.ts';
import { notRetryable } from './ambiguous-failure.ts';
import { malformedAnswer } from './malformed-answer.ts';
import { networkErrorKind } from './network-error-kind.ts';
import { readBodyWithLimit } from './read-body-with-limit.ts';
import { mediaKind, sniffMediaType } from './sniff-media-type.ts';
import { UpstreamFailure } from './upstream-failure.ts';

export interface DownloadOptions {
  /** Used only when `endpoint` is private: `fetch` cannot check the address it connects to. */
  fetch: typeof fetch;
  /**
   * The provider's configured endpoint (its base URL). When it is on this machine or a private network, result URLs
   * may be too; otherwise the result URL and every redirect must lead to public addresses.
   */
  endpoint: string;
  /** Largest accepted file, in bytes; a larger one fails without being read whole. */
  maxBytes: number;
  /** Timeout of the whole download, in ms. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** What the file must be, checked from its magic bytes (default: either). */
  expect?: 'image' | 'video';
  /** Display name in error messages (default `the provider`). */
  provider?: string;
}

/** Redirects a result download follows; signed storage links redirect once or twice. */
const maxResultRedirects = 5;

/**
 * Downloads a result file the provider produced (its URLs expire, so adapters call this before reporting success).
 * It must be http(s), is size-capped while streaming, and must be an image or video by magic bytes. Redirects are
 * followed (signed storage links often redirect). No credentials are ever sent with it. The URL is the provider's
 * word, yet neither it nor a redirect may lead a cloud provider's download into Atelier's own network: an internal
 * image there would be stored and served to the client. See `endpoint`.
 *
 * @throws GatewayError `upstream_bad_response` (bad URL, a private address for a cloud provider, too large, not
 * media), `upstream_unavailable` (network error or error status), `upstream_timeout`.
 */
export async function downloadResult(url: string, options: DownloadOptions): Promise<GenerationOutput> {
  const provider = options.provider ?? 'the provider';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw malformedAnswer(provider, 'the result URL is not a valid URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw malformedAnswer(provider, `the result URL uses ${parsed.protocol}`);

  const callSignal = createCallSignal(options.timeoutMs, options.signal);
  try {
    let bytes: Buffer | undefined;
    let status: number;
    try {
      // The endpoint's DNS lookup cannot be aborted itself: a resolver that does not answer must not hold the
      // download past its timeout or the caller's cancel.
      const response = await untilAborted(endpointIsPrivate(options.endpoint), callSignal.signal)
        ? await options.fetch(parsed, { method: 'GET', signal: callSignal.signal, redirect: 'follow' })
        : await fetchPublicOnly(parsed, { signal: callSignal.signal, maxRedirects: maxResultRedirects });
      status = response.status;
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new GatewayError('upstream_unavailable', { provider, reason: `result download answered HTTP ${status}` },
          // 404/403 on a signed link means it expired or was never valid: retrying will not help.
          { cause: new UpstreamFailure('http', { httpStatus: status }), retryable: status >= 500 || status === 429 });
      }
      bytes = await readBodyWithLimit(response, options.maxBytes);
    } catch (error) {
      if (GatewayError.isInstance(error)) throw error;
      // Refused for where it leads: downloading the same URL again leads there again.
      if (error instanceof ResultUrlRefused) throw notRetryable(malformedAnswer(provider, error.message));
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      if (callSignal.timedOut()) {
        throw new GatewayError('upstream_timeout', { provider, timeoutMs: options.timeoutMs }, { cause: new UpstreamFailure('timeout') });
      }
      const { kind, reason } = networkErrorKind(error);
      throw new GatewayError('upstream_unavailable', { provider, reason: `result download: ${reason}` }, { cause: new UpstreamFailure(kind) });
    }
    // For good: the same file is no smaller when downloaded again (a DashScope poll would otherwise repeat it to the deadline).
    if (bytes === undefined) throw notRetryable(malformedAnswer(provider, `the result is larger than ${options.maxBytes} bytes`));
    const mediaType = sniffMediaType(bytes);
    if (mediaType === undefined) throw malformedAnswer(provider, 'the result is not an image or video file');
    if (options.expect !== undefined && mediaKind(mediaType) !== options.expect) {
      throw malformedAnswer(provider, `expected a ${options.expect} result but received ${mediaType}`);
    }
    return { bytes, mediaType };
  } finally {
    callSignal.dispose();
  }
}

/** `work`'s outcome, or the signal's reason as soon as it aborts (`work` itself is left to settle unobserved). */
function untilAborted<Result>(work: Promise<Result>, signal: AbortSignal): Promise<Result> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
