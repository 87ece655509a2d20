import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { classifyAddress } from '../../input/address-policy.ts';
import { followGuardedRedirects } from '../../input/guarded-request.ts';

/** Why a result URL was not fetched: a private address, a redirect loop, a redirect to another scheme. */
export class ResultUrlRefused extends Error {
  override name = 'ResultUrlRefused';
}

/** Statuses whose response has no body; `Response` refuses one for them. */
const nullBodyStatuses = new Set([204, 205, 304]);

/**
 * GETs a URL that must lead only to public addresses, following at most `maxRedirects` redirects. Every hop's
 * address is checked inside the socket's own DNS lookup, so the address checked is the address connected to (no
 * DNS-rebinding window). `fetch` is not used: it offers no way to see the address it connects to. Sends no
 * credentials. The answer is a `Response` like fetch's, so callers read it the same way.
 *
 * @throws ResultUrlRefused for a private address, too many redirects or a redirect to a non-http(s) URL; the socket's
 *   error (with its `code`) for a network failure; the signal's abort error when `signal` fires.
 */
export async function fetchPublicOnly(url: URL, options: { signal: AbortSignal; maxRedirects: number }): Promise<Response> {
  const { response } = await followGuardedRedirects(url, {
    headers: { 'user-agent': 'Atelier' },
    signal: options.signal,
    refuse: (address) => {
      const kind = classifyAddress(address);
      return kind ? new ResultUrlRefused(`the result URL leads to a ${kind} address (${address})`) : undefined;
    },
  }, {
    maxRedirects: options.maxRedirects,
    tooManyRedirects: () => new ResultUrlRefused(`the result URL redirects more than ${options.maxRedirects} times`),
    refusedTarget: (protocol) => new ResultUrlRefused(protocol ? `the result URL redirects to a ${protocol} URL` : 'the result URL redirects to an invalid URL'),
  });
  return asResponse(response);
}

function asResponse(incoming: IncomingMessage): Response {
  const status = incoming.statusCode ?? 0;
  if (status < 200 || status > 599) {
    incoming.destroy();
    throw new ResultUrlRefused(`the result server answered HTTP ${status}`);
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  if (nullBodyStatuses.has(status)) {
    incoming.resume();
    return new Response(null, { status, headers });
  }
  return new Response(Readable.toWeb(incoming) as ReadableStream<Uint8Array>, { status, headers });
}
