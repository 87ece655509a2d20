import { classifyAddress } from '../../input/address-policy.ts';
import { openGuardedRequest } from '../../input/guarded-request.ts';

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
export async function postWebhook(url: string, body: string, headers: Record<string, string>, options: WebhookPostOptions): Promise<number> {
  const target = new URL(url);
  const signal = AbortSignal.timeout(options.timeoutMilliseconds);
  const response = await openGuardedRequest(target, {
    method: 'POST',
    body,
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Atelier-Webhook' },
    signal,
    refuse: (address) => {
      if (options.allowPrivateAddresses) return undefined;
      const kind = classifyAddress(address);
      return kind ? new WebhookDeliveryError(`${target.host} resolves to a ${kind} address; private webhook URLs need --allow-private-urls`) : undefined;
    },
    failure: (error) => new WebhookDeliveryError(signal.aborted ? `no answer within ${options.timeoutMilliseconds} ms` : `could not reach the receiver (${error.code ?? error.message})`),
  });
  response.resume();
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return status;
  throw new WebhookDeliveryError(`the receiver answered HTTP ${status}`);
}
