import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardAddresses } from './address-guarded-lookup.ts';

export interface GuardedRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Judges each address the host of `url` resolves to (every one must pass); a refusal becomes the request's error. */
  refuse(address: string, url: URL): Error | undefined;
  /** The error for a failure that is not a refusal (default: the socket's own error, with its `code`). */
  failure?(error: NodeJS.ErrnoException, url: URL): Error;
}

/**
 * Sends one request to an untrusted http(s) URL and resolves with the response, whatever its status. The address
 * check runs inside the socket's DNS lookup (see guardAddresses), so the address checked is the address connected to.
 * Redirects are not followed here: see followGuardedRedirects.
 */
export function openGuardedRequest(url: URL, request: GuardedRequest): Promise<IncomingMessage> {
  const guard = guardAddresses(url, (address) => request.refuse(address, url));
  if (guard.literalRefusal) return Promise.reject(guard.literalRefusal);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // agent: false — a pooled keep-alive socket would be reused without a lookup, so without the address check.
    const outgoing = send(url, { method: request.method, agent: false, lookup: guard.lookup as never, signal: request.signal, headers: request.headers }, resolve);
    outgoing.on('error', (error: NodeJS.ErrnoException) => reject(guard.refusal() ?? request.failure?.(error, url) ?? error));
    outgoing.end(request.body);
  });
}

export interface RedirectRules {
  maxRedirects: number;
  /** The error for one redirect more than `maxRedirects`. */
  tooManyRedirects(): Error;
  /**
   * The error for a redirect that leads nowhere allowed: `protocol` is the target's scheme (with its colon) when it is
   * not http(s), undefined when the Location is not a URL at all. The Location is the server's text: do not quote it.
   */
  refusedTarget(protocol: string | undefined): Error;
}

/**
 * GETs `url` with openGuardedRequest, following at most `maxRedirects` redirects (a 3xx with a Location); every
 * hop is checked like the first. Resolves with the first response that is not a redirect and the URL it came from.
 */
export async function followGuardedRedirects(url: URL, request: Omit<GuardedRequest, 'method' | 'body'>, rules: RedirectRules): Promise<{ response: IncomingMessage; url: URL }> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const response = await openGuardedRequest(current, { ...request, method: 'GET' });
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    // An empty Location names no target: the 3xx is the answer, as when there is no Location at all.
    if (status < 300 || status >= 400 || !location) return { response, url: current };
    // Closed, not drained: its body is not wanted, the socket is never reused (agent: false), and an endless body
    // would otherwise keep streaming after the caller's timeout was cleared.
    response.destroy();
    if (hop >= rules.maxRedirects) throw rules.tooManyRedirects();
    current = redirectTarget(location, current, rules);
  }
}

function redirectTarget(location: string, from: URL, rules: RedirectRules): URL {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw rules.refusedTarget(undefined);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw rules.refusedTarget(target.protocol);
  return target;
}
