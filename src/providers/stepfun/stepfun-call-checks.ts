import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import { checkImageEditCall, checkStrengthRange, checkTextLimit } from '../shared/image-edit-call-checks.ts';
import type { CallParameters } from '../spec/provider-model.ts';
import { stepfunPromptMaxLength, stepfunSizes } from './stepfun-capabilities.ts';
import { stepfunDisplayName } from './stepfun-error.ts';
import { parseStepFunOptions, stepfunOptionsPrefix, type StepFunOptions } from './stepfun-options.ts';

/** StepFun's largest seed. */
const largestStepFunSeed = 2147483647;

/** A call's parameters as StepFun takes them, once checked. */
export interface CheckedStepFunParameters {
  options: StepFunOptions;
  prompt: string;
  /** `size` as StepFun spells it, e.g. `1024x1024`. */
  size?: string;
}

/**
 * Everything StepFun would refuse that can be judged without the image: the options, `n`, the prompt, strength,
 * size and seed. `checkParameters` runs it before a task exists and `start` runs it again, so both throw the same
 * error.
 *
 * @throws GatewayError `provider_cannot_serve` or `parameter_invalid`.
 */
export function checkStepFunParameters(call: CallParameters): CheckedStepFunParameters {
  const options = parseStepFunOptions(call.providerOptions);
  checkImageEditCall(call, { provider: stepfunDisplayName, endpoint: 'image2image' });
  if (call.prompt === undefined || call.prompt.trim() === '') {
    throw new GatewayError('parameter_invalid', { parameter: 'prompt', expected: 'a non-empty prompt (StepFun image2image requires one)', received: describeReceived(call.prompt) });
  }
  checkTextLimit('prompt', call.prompt, stepfunPromptMaxLength, 'StepFun');
  if (call.strength !== undefined && options.source_weight !== undefined) {
    throw new GatewayError('parameter_invalid', { parameter: 'strength', expected: `either strength or ${stepfunOptionsPrefix}.source_weight, not both`, received: describeReceived(call.strength) });
  }
  checkStrengthRange(call.strength);
  const size = call.size === undefined ? undefined : `${call.size.width}x${call.size.height}`;
  if (size !== undefined && !(stepfunSizes as readonly string[]).includes(size)) {
    throw new GatewayError('parameter_invalid', { parameter: 'size', expected: `one of: ${stepfunSizes.join(', ')} (StepFun output sizes)`, received: describeReceived(size) });
  }
  if (call.seed !== undefined && (!Number.isInteger(call.seed) || call.seed < 0 || call.seed + call.n - 1 > largestStepFunSeed)) {
    throw new GatewayError('parameter_invalid', {
      parameter: 'seed', expected: `an integer between 0 and ${largestStepFunSeed - call.n + 1} (seed + n - 1 must stay within ${largestStepFunSeed})`, received: describeReceived(call.seed),
    });
  }
  return { options, prompt: call.prompt, size };
}
