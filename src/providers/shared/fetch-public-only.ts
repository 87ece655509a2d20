import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { guardAddresses } from '../../input/address-guarded-lookup.ts';
import { classifyAddress } from '../../input/address-policy.ts';

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
  let current = url;
  for (let hop = 0; ; hop++) {
    const incoming = await get(current, options.signal);
    const status = incoming.statusCode ?? 0;
    const location = incoming.headers.location;
    if (status < 300 || status >= 400 || location === undefined) return asResponse(incoming);
    incoming.resume();
    if (hop >= options.maxRedirects) throw new ResultUrlRefused(`the result URL redirects more than ${options.maxRedirects} times`);
    current = redirectTarget(location, current);
  }
}

function redirectTarget(location: string, from: URL): URL {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw new ResultUrlRefused('the result URL redirects to an invalid URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new ResultUrlRefused(`the result URL redirects to a ${target.protocol} URL`);
  return target;
}

function get(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
  const guard = guardAddresses(url, (address) => {
    const kind = classifyAddress(address);
    return kind ? new ResultUrlRefused(`the result URL leads to a ${kind} address (${address})`) : undefined;
  });
  if (guard.literalRefusal) return Promise.reject(guard.literalRefusal);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // agent: false — a pooled keep-alive socket would be reused without a lookup, so without the address check.
    const outgoing = send(url, { method: 'GET', agent: false, lookup: guard.lookup as never, signal, headers: { 'user-agent': 'Atelier' } }, resolve);
    outgoing.on('error', (error) => reject(guard.refusal() ?? error));
    outgoing.end();
  });
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
