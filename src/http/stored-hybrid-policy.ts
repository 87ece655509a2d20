import { GatewayError, describeReceived } from '../errors/gateway-error.ts';
import { hybridPolicies, type HybridPolicy } from '../routing/hybrid-policy.ts';

/**
 * The hybrid policy to store for a service, as `PUT /aog/v0.2/service` reads it (and a `.aog` import, per service):
 * absent or `""` means `default` (AOG's Go clients send `""` for "not set").
 *
 * @param where where the value came from when it is not the request's own `hybrid_policy`, e.g. `services.image-to-image`
 * @throws GatewayError `hybrid_policy_invalid` (AOG's 10016)
 */
export function storedHybridPolicy(value: unknown, where?: string): HybridPolicy {
  if (value === undefined || value === '') return 'default';
  if ((hybridPolicies as readonly unknown[]).includes(value)) return value as HybridPolicy;
  throw new GatewayError('hybrid_policy_invalid', { received: where === undefined ? describeReceived(value) : `${describeReceived(value)} in ${where}` });
}
