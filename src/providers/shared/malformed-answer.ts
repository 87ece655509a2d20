import { GatewayError } from '../../errors/gateway-error.ts';
import { UpstreamFailure } from './upstream-failure.ts';

/**
 * `upstream_bad_response` for a provider answer Atelier cannot read (a missing field, a result that is not an
 * image). The `malformed` cause tells retry policies the provider did answer, so the call may have been billed.
 *
 * @param provider Display name in the message, e.g. `StepFun`.
 * @param reason What was wrong, e.g. `data[0] has neither b64_json, image nor url`.
 * @example throw malformedAnswer('StepFun', 'the answer has no data[0]');
 */
export function malformedAnswer(provider: string, reason: string): GatewayError {
  return new GatewayError('upstream_bad_response', { provider, reason }, { cause: new UpstreamFailure('malformed') });
}
