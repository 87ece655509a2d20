import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors/gateway-error.ts';
import { classifyAddress } from './address-policy.ts';
import { followGuardedRedirects } from './guarded-request.ts';

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
  const start = parseHttpUrl(url);
  const deadline = AbortSignal.timeout(policy.timeoutMilliseconds);
  const { response, url: final } = await followGuardedRedirects(start, {
    headers: { 'user-agent': 'Atelier', accept: 'image/*' },
    signal: deadline,
    refuse: (address, hop) => checkAddress(address, hop, policy),
    failure: (error, hop) => downloadFailure(error, hop, policy, deadline),
  }, {
    maxRedirects: policy.maxRedirects,
    tooManyRedirects: () => new GatewayError('input_url_too_many_redirects', { url: redactUrl(url), limit: policy.maxRedirects }),
    // The Location is the remote server's text: name the problem, never quote it.
    refusedTarget: (protocol) => new GatewayError('input_url_invalid', { received: protocol ? describeScheme(protocol) : 'a redirect to an invalid URL' }),
  });
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    response.resume();
    throw new GatewayError('input_url_fetch_failed', { url: redactUrl(final.href), reason: `the server answered HTTP ${status}` });
  }
  return readCapped(response, final, policy, deadline);
}

function parseHttpUrl(value: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new GatewayError('input_url_invalid', { received: JSON.stringify(redactUrl(value).slice(0, 80)) });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GatewayError('input_url_invalid', { received: describeScheme(parsed.protocol) });
  }
  return parsed;
}

function describeScheme(protocol: string): string {
  return `a ${protocol.replace(':', '')}: URL`;
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

function downloadFailure(error: NodeJS.ErrnoException, url: URL, policy: DownloadPolicy, deadline: AbortSignal): GatewayError {
  if (deadline.aborted) return new GatewayError('input_url_timeout', { url: redactUrl(url.href), timeoutMs: policy.timeoutMilliseconds });
  return new GatewayError('input_url_fetch_failed', { url: redactUrl(url.href), reason: error.code ?? error.message });
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
    response.on('error', (error: NodeJS.ErrnoException) => reject(downloadFailure(error, url, policy, deadline)));
  });
}
