import { GatewayError } from '../../errors/gateway-error.ts';
import type { CallParameters } from '../spec/provider-model.ts';
import { xPaintingSizes, xPaintingStyles, type DashScopeModelCapabilities, type ImageEditFunction } from './dashscope-capabilities.ts';
import { checkCommonParameters, invalid } from './dashscope-call-checks.ts';
import { dashscopeProviderName } from './dashscope-error.ts';
import { dashscopeOptionsPrefix, readDashScopeOptions, type DashScopeOptions } from './dashscope-options.ts';

/** Functions that make no sense without an instruction; the others accept an empty prompt (spec §4.1). */
const promptRequiredFunctions: readonly ImageEditFunction[] = [
  'stylization_all', 'stylization_local', 'description_edit', 'expand', 'doodle', 'control_cartoon_feature',
];

/** An image-to-image call's parameters once checked, with what the request body needs from them. */
export type ImageToImageParameters =
  | { family: 'image-edit'; options: DashScopeOptions; editFunction: ImageEditFunction; usesMask: boolean }
  | { family: 'x-painting'; options: DashScopeOptions; size?: string; style?: string }
  | { family: 'style-repaint'; options: DashScopeOptions; styleIndex: number };

/**
 * Every check of wanx2.1-imageedit, wanx-x-painting and wanx-style-repaint-v1 that needs no input image: the common
 * ranges, the provider options, and each model's (and function's) own rules. Run by `checkParameters` before any
 * task exists and again by `start`, so the rules live once and the error is the same on every route.
 *
 * @throws GatewayError `parameter_invalid`, `parameter_missing`, or `provider_cannot_serve` for a model of another family.
 */
export function readImageToImageParameters(call: CallParameters, model: DashScopeModelCapabilities): ImageToImageParameters {
  checkCommonParameters(call, model);
  switch (model.family) {
    case 'image-edit':
      return readImageEditParameters(call, model);
    case 'x-painting':
      return readXPaintingParameters(call, model);
    case 'style-repaint': {
      const options = readDashScopeOptions(call.providerOptions ?? {}, model);
      return { family: 'style-repaint', options, styleIndex: options.style_index ?? styleIndexFrom(call.style, model.styleIndices ?? []) };
    }
    default:
      throw new GatewayError('provider_cannot_serve', { provider: dashscopeProviderName, reason: `${model.id} is not an image-to-image model` });
  }
}

/** wanx2.1-imageedit: the function follows the request unless `provider_options.aliyun.function` says otherwise. */
function readImageEditParameters(call: CallParameters, model: DashScopeModelCapabilities): ImageToImageParameters {
  const defaultFunction: ImageEditFunction = call.hasMask ? 'description_edit_with_mask' : 'description_edit';
  const options = readDashScopeOptions(call.providerOptions ?? {}, model, defaultFunction);
  const editFunction = options.function ?? defaultFunction;
  if (promptRequiredFunctions.includes(editFunction) && (call.prompt ?? '').trim() === '') {
    throw new GatewayError('parameter_missing', { parameter: `prompt (function ${editFunction} needs an instruction)` });
  }
  const usesMask = editFunction === 'description_edit_with_mask';
  if (usesMask && !call.hasMask) throw new GatewayError('parameter_missing', { parameter: 'mask (function description_edit_with_mask)' });
  return { family: 'image-edit', options, editFunction, usesMask };
}

/** wanx-x-painting: a mask and a prompt are required; size and style come from short lists. */
function readXPaintingParameters(call: CallParameters, model: DashScopeModelCapabilities): ImageToImageParameters {
  const options = readDashScopeOptions(call.providerOptions ?? {}, model);
  if (!call.hasMask) throw new GatewayError('parameter_missing', { parameter: 'mask (wanx-x-painting repaints inside a mask)' });
  if (!call.prompt || call.prompt.trim() === '') throw new GatewayError('parameter_missing', { parameter: 'prompt' });
  let size: string | undefined;
  if (call.size !== undefined) {
    size = `${call.size.width}*${call.size.height}`;
    if (!(xPaintingSizes as readonly string[]).includes(size)) {
      throw invalid('size', `one of: ${xPaintingSizes.map((known) => known.replace('*', 'x')).join(', ')}`, `${call.size.width}x${call.size.height}`);
    }
  }
  let style: string | undefined;
  if (call.style !== undefined) {
    style = xPaintingStyle(call.style);
    if (!(xPaintingStyles as readonly string[]).includes(style)) {
      throw invalid('style', `one of: ${xPaintingStyles.map((known) => known.slice(1, -1)).join(', ')} for wanx-x-painting`, call.style);
    }
  }
  if (options.mask_color !== undefined) checkMaskColor(options.mask_color);
  return { family: 'x-painting', options, size, style };
}

/**
 * The unified `style` as wanx-x-painting spells it. Atelier's own style ids are hyphenated (`oil-painting`, as the
 * embedded engine lists them) while DashScope's names have spaces in angle brackets (`<oil painting>`): a request
 * written for one should not fail on the other over spelling alone. The brackets are optional.
 */
function xPaintingStyle(style: string): string {
  const name = style.startsWith('<') && style.endsWith('>') ? style.slice(1, -1) : style;
  return `<${name.replaceAll('-', ' ')}>`;
}

/** The unified `style` as a style-repaint index ("3"), which is required when `style_index` is not given. */
function styleIndexFrom(style: string | undefined, known: readonly number[]): number {
  if (style === undefined) throw new GatewayError('parameter_missing', { parameter: 'style (a wanx-style-repaint-v1 style index, or provider_options.aliyun.style_index)' });
  const index = /^-?\d+$/.test(style.trim()) ? Number(style.trim()) : Number.NaN;
  if (!known.includes(index) || index === -1) throw invalid('style', `a style index, one of: ${known.filter((value) => value >= 0).join(', ')}`, style);
  return index;
}

/**
 * wanx-x-painting repaints the pixels of the `mask_color` colours (spec §4.2). Atelier always sends its canonical
 * mask — white [255,255,255] = edit, black [0,0,0] = keep, whatever convention the client's mask used (§7) — so a
 * list without white selects nothing and a list with black repaints the area the client asked to keep.
 */
function checkMaskColor(colours: ReadonlyArray<readonly [number, number, number]>): void {
  const has = (value: number) => colours.some(([red, green, blue]) => red === value && green === value && blue === value);
  if (!has(255) || has(0)) {
    throw invalid(`${dashscopeOptionsPrefix}.mask_color`, 'a list that holds [255, 255, 255] and not [0, 0, 0]: Atelier sends the mask as white = edit, black = keep (leave mask_color out for the same effect)', colours);
  }
}
