import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardAddresses } from '../../input/address-guarded-lookup.ts';
import { classifyAddress } from '../../input/address-policy.ts';

export interface WebhookPostOptions {
  /** Lets loopback/private addresses through (`--allow-private-urls`); refused by default like url inputs. */
  allowPrivateAddresses: boolean;
  timeoutMilliseconds: number;
}

/** Why one delivery attempt failed, in words safe for the task record (no headers, no body, no query string). */
export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
}

/**
 * POSTs one webhook. The receiver's address is checked inside the socket's DNS lookup (the checked address is the
 * connected one), redirects are not followed, and the response body is ignored: a webhook URL is client input and
 * must not become a way to probe the network Atelier sits in.
 *
 * @throws WebhookDeliveryError for a refused address, a network error, a timeout or a non-2xx answer
 */
export function postWebhook(url: string, body: string, headers: Record<string, string>, options: WebhookPostOptions): Promise<number> {
  const target = new URL(url);
  const refusal = (address: string) => {
    if (options.allowPrivateAddresses) return undefined;
    const kind = classifyAddress(address);
    return kind ? new WebhookDeliveryError(`${target.host} resolves to a ${kind} address; private webhook URLs need --allow-private-urls`) : undefined;
  };
  const guard = guardAddresses(target, refusal);
  if (guard.literalRefusal) return Promise.reject(guard.literalRefusal);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const signal = AbortSignal.timeout(options.timeoutMilliseconds);
  return new Promise((resolve, reject) => {
    const outgoing = send(target, {
      method: 'POST',
      // A pooled keep-alive socket would be reused without a lookup, so without the address check.
      agent: false,
      lookup: guard.lookup as never,
      signal,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Atelier-Webhook' },
    }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) resolve(status);
      else reject(new WebhookDeliveryError(`the receiver answered HTTP ${status}`));
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      const refused = guard.refusal();
      if (refused) reject(refused);
      else if (signal.aborted) reject(new WebhookDeliveryError(`no answer within ${options.timeoutMilliseconds} ms`));
      else reject(new WebhookDeliveryError(`could not reach the receiver (${error.code ?? error.message})`));
    });
    outgoing.end(body);
  });
}
