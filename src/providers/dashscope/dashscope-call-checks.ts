import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import { atMostCharacters, characterLength, fitsCharacterLimit } from '../../text/character-length.ts';
import type { GenerationCall } from '../spec/generation-call.ts';
import type { CallParameters } from '../spec/provider-model.ts';
import type { Warning } from '../spec/warning.ts';
import type { DashScopeModelCapabilities } from './dashscope-capabilities.ts';

/**
 * The image is there. The type says so; calls assembled from JSON (task rows, tests of other layers) may still lack
 * it. Runs in `start` only: `checkParameters` runs before the inputs are read.
 *
 * @throws GatewayError `parameter_missing` (image).
 */
export function checkImagePresent(call: GenerationCall): void {
  if (call.image === undefined || call.image === null || !Buffer.isBuffer(call.image.bytes)) {
    throw new GatewayError('parameter_missing', { parameter: 'image' });
  }
}

/**
 * Checks every DashScope model applies to the unified parameters before anything is sent: `n`, `seed` and
 * `strength` are in range, prompts fit. Out of range is a 400 naming the limit — DashScope would truncate long
 * prompts silently, and Atelier never clamps.
 *
 * @throws GatewayError `parameter_invalid`.
 */
export function checkCommonParameters(call: CallParameters, model: DashScopeModelCapabilities): void {
  const maximumOutputs = model.maxOutputsPerCall;
  if (!Number.isInteger(call.n) || call.n < 1 || call.n > maximumOutputs) {
    throw invalid('n', maximumOutputs === 1 ? `1 (${model.id} makes one output per call)` : `an integer between 1 and ${maximumOutputs}`, call.n);
  }
  if (call.seed !== undefined && model.parameters.seed !== undefined && (!Number.isInteger(call.seed) || call.seed < 0 || call.seed > 2147483647)) {
    throw invalid('seed', 'an integer between 0 and 2147483647', call.seed);
  }
  if (call.strength !== undefined && (typeof call.strength !== 'number' || !(call.strength >= 0 && call.strength <= 1))) {
    throw invalid('strength', 'a number between 0 and 1', call.strength);
  }
  // DashScope truncates a longer prompt silently; Atelier refuses it instead.
  checkLength('prompt', call.prompt, model.parameters.prompt?.maxLength, model.id);
  checkLength('negative_prompt', call.negativePrompt, model.parameters.negative_prompt?.maxLength, model.id);
}

/** A call's parameters as `checkParameters` sees them, so that `start` runs the very same rules on a loaded call. */
export function parametersOf(call: GenerationCall): CallParameters {
  return { ...call, hasMask: call.mask !== undefined };
}

/** Builds the standard 400 for one parameter. */
export function invalid(parameter: string, expected: string, received: unknown): GatewayError {
  return new GatewayError('parameter_invalid', { parameter, expected, received: describeReceived(received) });
}

function checkLength(parameter: string, text: string | undefined, maxLength: number | undefined, modelId: string): void {
  if (text === undefined || maxLength === undefined || fitsCharacterLimit(text, maxLength)) return;
  throw invalid(parameter, `${atMostCharacters(maxLength)} for ${modelId}`, `${characterLength(text)} characters`);
}

/**
 * One `unsupported` warning per unified field the caller set that this model ignores (never an error: the same
 * request must work across providers).
 */
export function ignoredFieldWarnings(call: GenerationCall, ignored: ReadonlyArray<{ field: keyof GenerationCall; feature: string; why: string }>): Warning[] {
  return ignored
    .filter(({ field }) => call[field] !== undefined)
    .map(({ feature, why }) => ({ type: 'unsupported' as const, feature, details: why }));
}
