import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import { atMostCharacters, fitsCharacterLimit } from '../../text/character-length.ts';
import type { CallParameters } from '../spec/provider-model.ts';

/**
 * What the synchronous image-edit adapters (Tencent, StepFun, OpenAI) check alike, worded once: the service is
 * image-to-image and `n` is 1–4. `endpoint` names the provider's API in the refusal, e.g. `images/edits`.
 *
 * @throws GatewayError `provider_cannot_serve` or `parameter_invalid`.
 */
export function checkImageEditCall(call: Pick<CallParameters, 'service' | 'n'>, target: { provider: string; endpoint: string }): void {
  if (call.service !== 'image-to-image') {
    throw new GatewayError('provider_cannot_serve', { provider: target.provider, reason: `${target.endpoint} makes images, not ${call.service}` });
  }
  if (!Number.isInteger(call.n) || call.n < 1 || call.n > 4) {
    throw new GatewayError('parameter_invalid', { parameter: 'n', expected: 'an integer between 1 and 4', received: describeReceived(call.n) });
  }
}

/** `strength` in (0, 1], for providers whose own scale is that range (Tencent `Strength`, StepFun `source_weight`). */
export function checkStrengthRange(strength: number | undefined): void {
  if (strength !== undefined && !(strength > 0 && strength <= 1)) {
    throw new GatewayError('parameter_invalid', { parameter: 'strength', expected: 'a number greater than 0 and at most 1', received: describeReceived(strength) });
  }
}

/**
 * A text within a provider's limit in characters (code points, as the specs count them), else the 400 naming the
 * limit and whose it is: "a string of at most 256 characters (Tencent's limit)".
 *
 * @param limitOwner whose limit it is, e.g. `Tencent` or a model id such as `dall-e-2`
 */
export function checkTextLimit(parameter: string, text: string | undefined, maxLength: number | undefined, limitOwner: string): void {
  if (text === undefined || maxLength === undefined || fitsCharacterLimit(text, maxLength)) return;
  throw new GatewayError('parameter_invalid', { parameter, expected: `a string of ${atMostCharacters(maxLength)} (${limitOwner}'s limit)`, received: describeReceived(text) });
}
