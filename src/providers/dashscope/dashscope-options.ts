import { z } from 'zod';
import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import { adaptInputOptionSchema } from '../shared/adapt-input-option.ts';
import { parseProviderOptions } from '../shared/parse-provider-options.ts';
import { imageEditFunctions, styleRepaintIndices, type DashScopeModelCapabilities, type ImageEditFunction } from './dashscope-capabilities.ts';

const between = (minimum: number, maximum: number, integer = false) =>
  (integer ? z.number().int() : z.number()).refine((value) => value >= minimum && value <= maximum, {
    message: `${integer ? 'an integer' : 'a number'} between ${minimum} and ${maximum}`,
  });
const scale = between(1, 2);
const rgbComponent = between(0, 255, true);

/**
 * `provider_options.aliyun` (alias key `dashscope`): every DashScope knob that has no unified field. Strict: unknown
 * options are errors, values out of range are errors (never clamped). Which options apply to which model and
 * `function` is checked afterwards by `readDashScopeOptions`.
 */
export const dashscopeOptionsSchema = z.strictObject({
  /** wanx2.1-imageedit: the editing function (default description_edit, or description_edit_with_mask with a mask). */
  function: z.enum(imageEditFunctions),
  watermark: z.boolean(),
  top_scale: scale,
  bottom_scale: scale,
  left_scale: scale,
  right_scale: scale,
  upscale_factor: between(1, 4, true),
  is_sketch: z.boolean(),
  /** Video: let DashScope rewrite the prompt (default true upstream). */
  prompt_extend: z.boolean(),
  /** Video: effect template, e.g. `flying`. */
  template: z.string().min(1).max(64),
  /** wanx-x-painting: RGB triples that mark the edit area instead of white. */
  mask_color: z.array(z.tuple([rgbComponent, rgbComponent, rgbComponent])).max(16),
  /** wanx-style-repaint-v1: style index; wins over the unified `style`. */
  style_index: z.number().int().refine((value) => (styleRepaintIndices as readonly number[]).includes(value), {
    message: `one of: ${styleRepaintIndices.join(', ')}`,
  }),
  /** wanx-style-repaint-v1 with style_index -1: the style reference image (public http(s) URL or data: URI). */
  style_ref_url: z.string().max(14_000_000).refine((value) => /^(https?:\/\/|data:image\/[a-z+.-]+;base64,)/i.test(value), {
    message: 'a public http(s) URL or a data:image/…;base64,… URI',
  }),
  /** How inputs are sent: inline data: URIs (default where accepted) or DashScope's temporary upload (oss://). */
  input_transport: z.enum(['data-uri', 'temporary-upload']),
  /** Whether Atelier may resize / re-encode / flatten an input outside the model's limits (default true, with a warning). */
  adapt_input: adaptInputOptionSchema,
}).partial();

export type DashScopeOptions = z.output<typeof dashscopeOptionsSchema>;

/** Which options apply to which model family, and for wanx2.1-imageedit to which function. */
const optionsByFamily: Record<DashScopeModelCapabilities['family'], readonly (keyof DashScopeOptions)[]> = {
  'image-edit': ['function', 'watermark', 'top_scale', 'bottom_scale', 'left_scale', 'right_scale', 'upscale_factor', 'is_sketch', 'input_transport', 'adapt_input'],
  'x-painting': ['mask_color', 'input_transport', 'adapt_input'],
  'style-repaint': ['style_index', 'style_ref_url', 'input_transport', 'adapt_input'],
  'image-to-video': ['prompt_extend', 'watermark', 'template', 'input_transport', 'adapt_input'],
};
const optionsByFunction: Partial<Record<keyof DashScopeOptions, ImageEditFunction>> = {
  top_scale: 'expand', bottom_scale: 'expand', left_scale: 'expand', right_scale: 'expand',
  upscale_factor: 'super_resolution', is_sketch: 'doodle',
};

/** How the options are named in messages: the request field clients send (`provider_options.aliyun`). */
export const dashscopeOptionsPrefix = 'provider_options.aliyun';

/**
 * Validates this provider's options (`call.providerOptions`, which routing fills from the request's
 * `provider_options.aliyun` — or its alias key `dashscope` — and nothing else) and checks that each applies to the
 * model and, for wanx2.1-imageedit, to the chosen function.
 *
 * @throws GatewayError `parameter_invalid` naming the option, what was expected and what was received.
 */
export function readDashScopeOptions(providerOptions: Record<string, unknown>, model: DashScopeModelCapabilities, editFunction?: ImageEditFunction): DashScopeOptions {
  const options = parseProviderOptions(dashscopeOptionsSchema, providerOptions, dashscopeOptionsPrefix);
  const allowed = optionsByFamily[model.family];
  for (const name of Object.keys(options) as (keyof DashScopeOptions)[]) {
    if (!allowed.includes(name)) {
      throw new GatewayError('parameter_invalid', {
        parameter: `${dashscopeOptionsPrefix}.${name}`, expected: `no ${name} option for ${model.id} (it takes: ${allowed.join(', ')})`, received: describeReceived(options[name]),
      });
    }
    const needsFunction = optionsByFunction[name];
    const chosenFunction = options.function ?? editFunction;
    if (needsFunction !== undefined && chosenFunction !== needsFunction) {
      throw new GatewayError('parameter_invalid', {
        parameter: `${dashscopeOptionsPrefix}.${name}`, expected: `${name} only with function ${needsFunction} (function is ${chosenFunction ?? 'not set'})`, received: describeReceived(options[name]),
      });
    }
  }
  if (options.input_transport === 'data-uri' && !model.acceptsDataUri) {
    throw new GatewayError('parameter_invalid', {
      parameter: `${dashscopeOptionsPrefix}.input_transport`, expected: `temporary-upload (${model.id} accepts URLs only)`, received: describeReceived(options.input_transport),
    });
  }
  if (options.style_index === -1 && options.style_ref_url === undefined) {
    throw new GatewayError('parameter_missing', { parameter: `${dashscopeOptionsPrefix}.style_ref_url (required with style_index -1)` });
  }
  if (options.style_ref_url !== undefined && options.style_index !== -1) {
    throw new GatewayError('parameter_invalid', {
      parameter: `${dashscopeOptionsPrefix}.style_ref_url`, expected: 'style_ref_url only with style_index -1', received: describeReceived(options.style_ref_url),
    });
  }
  return options;
}
