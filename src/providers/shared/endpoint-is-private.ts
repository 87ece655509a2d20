import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { classifyAddress, isLoopbackHost } from '../../input/address-policy.ts';

/**
 * Whether a provider's configured endpoint is on this machine or a private network (a local OpenAI-compatible
 * server, a LAN box, a cloud VPC endpoint): the user chose that network, so the provider's result URLs may point into
 * it too. A cloud endpoint on the public internet gets no such trust. A name that does not resolve is not private.
 *
 * @param endpoint the provider's base URL, e.g. `https://dashscope.aliyuncs.com/api/v1`
 * @example await endpointIsPrivate('http://127.0.0.1:7860/v1') // true
 */
export async function endpointIsPrivate(endpoint: string): Promise<boolean> {
  let hostname: string;
  try {
    hostname = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (isLoopbackHost(hostname)) return true;
  if (isIP(hostname)) return classifyAddress(hostname) !== undefined;
  const addresses = await lookup(hostname, { all: true }).catch(() => []);
  return addresses.some((entry) => classifyAddress(entry.address) !== undefined);
}
