import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { GatewayError } from '../errors/gateway-error.ts';
import { guardAddresses } from './address-guarded-lookup.ts';
import { classifyAddress } from './address-policy.ts';

export interface DownloadPolicy {
  /** Lets loopback/private/link-local/metadata addresses through (tests, trusted LANs). */
  allowPrivateAddresses: boolean;
  maxBytes: number;
  timeoutMilliseconds: number;
  maxRedirects: number;
  /** Request field named in errors, e.g. `image` or `mask`. */
  parameter: string;
}

/**
 * Downloads an untrusted URL. The address check runs inside the socket's DNS lookup, so the address that is
 * checked is the address that is connected to (no DNS-rebinding window), and again for every redirect hop.
 */
export async function guardedDownload(url: string, policy: DownloadPolicy): Promise<Buffer> {
  let current = parseHttpUrl(url);
  const deadline = AbortSignal.timeout(policy.timeoutMilliseconds);
  for (let hop = 0; ; hop++) {
    const response = await openResponse(current, policy, deadline);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (hop >= policy.maxRedirects) throw new GatewayError('input_url_too_many_redirects', { url: redactUrl(url), limit: policy.maxRedirects });
      current = parseHttpUrl(new URL(response.headers.location, current).href);
      continue;
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw new GatewayError('input_url_fetch_failed', { url: redactUrl(current.href), reason: `the server answered HTTP ${status}` });
    }
    return readCapped(response, current, policy, deadline);
  }
}

function parseHttpUrl(value: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new GatewayError('input_url_invalid', { received: JSON.stringify(redactUrl(value).slice(0, 80)) });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GatewayError('input_url_invalid', { received: `a ${parsed.protocol.replace(':', '')}: URL` });
  }
  return parsed;
}

/** Drops credentials and the query string (it may hold signatures) before a URL goes into a message. */
export function redactUrl(value: string): string {
  try {
    const parsed = new URL(value);
    parsed.username = '';
    parsed.password = '';
    const hidden = parsed.search !== '';
    parsed.search = '';
    parsed.hash = '';
    // Appended after serialisation: URL would percent-encode the ellipsis.
    return hidden ? `${parsed.href}?…` : parsed.href;
  } catch {
    return value.length > 80 ? `${value.slice(0, 77)}...` : value;
  }
}

function checkAddress(address: string, url: URL, policy: DownloadPolicy): GatewayError | undefined {
  if (policy.allowPrivateAddresses) return undefined;
  const kind = classifyAddress(address);
  if (!kind) return undefined;
  return new GatewayError('input_url_forbidden_address', { url: redactUrl(url.href), address, kind });
}

function openResponse(url: URL, policy: DownloadPolicy, deadline: AbortSignal): Promise<IncomingMessage> {
  const guard = guardAddresses(url, (address) => checkAddress(address, url, policy));
  if (guard.literalRefusal) return Promise.reject(guard.literalRefusal);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // agent: false — a pooled keep-alive socket would be reused without a lookup, so without the address check.
    const outgoing = send(url, { method: 'GET', agent: false, lookup: guard.lookup as never, signal: deadline, headers: { 'user-agent': 'Atelier', accept: 'image/*' } }, resolve);
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      const refusal = guard.refusal();
      if (refusal) return reject(refusal);
      if (deadline.aborted) return reject(new GatewayError('input_url_timeout', { url: redactUrl(url.href), timeoutMs: policy.timeoutMilliseconds }));
      reject(new GatewayError('input_url_fetch_failed', { url: redactUrl(url.href), reason: error.code ?? error.message }));
    });
    outgoing.end();
  });
}

function readCapped(response: IncomingMessage, url: URL, policy: DownloadPolicy, deadline: AbortSignal): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > policy.maxBytes) {
    response.destroy();
    return Promise.reject(new GatewayError('input_too_large', { parameter: policy.parameter, limitBytes: policy.maxBytes }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > policy.maxBytes) {
        response.destroy();
        reject(new GatewayError('input_too_large', { parameter: policy.parameter, limitBytes: policy.maxBytes }));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', (error: NodeJS.ErrnoException) => {
      if (deadline.aborted) reject(new GatewayError('input_url_timeout', { url: redactUrl(url.href), timeoutMs: policy.timeoutMilliseconds }));
      else reject(new GatewayError('input_url_fetch_failed', { url: redactUrl(url.href), reason: error.code ?? error.message }));
    });
  });
}
