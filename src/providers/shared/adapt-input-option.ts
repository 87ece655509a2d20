import { z } from 'zod';
import type { ParameterSpec } from '../spec/capabilities.ts';

/**
 * `provider_options.<provider>.adapt_input`, which every cloud adapter takes: whether Atelier may resize, re-encode
 * or flatten an input image that is outside the model's limits. True (the default) adapts it and says so in a
 * `substituted` warning; false sends the input exactly as given or refuses it with 400 `provider_cannot_serve`
 * naming the limit, for callers who must know the provider saw their exact bytes. A CMYK input within the limits
 * is converted to sRGB when true and sent as is (with an `other` warning) when false: CMYK is not a declared limit.
 *
 * Declared once so the four adapters cannot drift in spelling, type, default or description.
 */
export const adaptInputOptionSchema = z.boolean();

/** The option as capability data lists it (`providerOptions.adapt_input`). */
export const adaptInputOptionSpec: ParameterSpec = {
  type: 'boolean',
  description: 'Whether Atelier may resize, re-encode or flatten an input outside the model\'s limits (default true, with a warning); false refuses such an input with 400 provider_cannot_serve naming the limit.',
};

/**
 * The `allowChanges` value for `adaptInputImage`: changes are allowed unless the caller sent `adapt_input: false`.
 *
 * @example adaptInputImage(image, mask, limits, { target, allowChanges: allowsInputChanges(options) })
 */
export function allowsInputChanges(options: { adapt_input?: boolean }): boolean {
  return options.adapt_input ?? true;
}
