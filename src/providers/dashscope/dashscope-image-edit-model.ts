import { GatewayError } from '../../errors/gateway-error.ts';
import type { GenerationCall } from '../spec/generation-call.ts';
import type { CallContext } from '../spec/provider-model.ts';
import type { Warning } from '../spec/warning.ts';
import { xPaintingSizes, xPaintingStyles, type ImageEditFunction } from './dashscope-capabilities.ts';
import { checkCommonFields, ignoredFieldWarnings, invalid } from './dashscope-call-checks.ts';
import { dashscopeProviderName } from './dashscope-error.ts';
import { dashscopeOptionsPrefix, readDashScopeOptions, type DashScopeOptions } from './dashscope-options.ts';
import { styleReference } from './dashscope-style-reference.ts';
import { DashScopeTaskModel, type DashScopeSubmission } from './dashscope-task-model.ts';

/** Functions that read `parameters.strength` (spec §4.1). */
const strengthFunctions: readonly ImageEditFunction[] = ['stylization_all', 'description_edit'];
/** Functions that make no sense without an instruction; the others accept an empty prompt (spec §4.1). */
const promptRequiredFunctions: readonly ImageEditFunction[] = [
  'stylization_all', 'stylization_local', 'description_edit', 'expand', 'doodle', 'control_cartoon_feature',
];

/**
 * DashScope image-to-image: wanx2.1-imageedit (all ten functions), wanx-x-painting (mask repaint, URL inputs via
 * temporary upload) and wanx-style-repaint-v1 (portrait styles). Submit-and-poll; see `DashScopeTaskModel`.
 */
export class DashScopeImageEditModel extends DashScopeTaskModel {
  protected async buildSubmission(call: GenerationCall, context: CallContext): Promise<DashScopeSubmission> {
    checkCommonFields(call, this.model);
    switch (this.model.family) {
      case 'image-edit':
        return this.imageEdit(call, context);
      case 'x-painting':
        return this.xPainting(call, context);
      case 'style-repaint':
        return this.styleRepaint(call, context);
      default:
        throw new GatewayError('provider_cannot_serve', { provider: dashscopeProviderName, reason: `${this.model.id} is not an image-to-image model` });
    }
  }

  /** wanx2.1-imageedit: the function follows the request unless `provider_options.aliyun.function` says otherwise. */
  private async imageEdit(call: GenerationCall, context: CallContext): Promise<DashScopeSubmission> {
    const defaultFunction: ImageEditFunction = call.mask ? 'description_edit_with_mask' : 'description_edit';
    const options = readDashScopeOptions(call.providerOptions ?? {}, this.model, defaultFunction);
    const editFunction = options.function ?? defaultFunction;
    const prompt = call.prompt ?? '';
    if (promptRequiredFunctions.includes(editFunction) && prompt.trim() === '') {
      throw new GatewayError('parameter_missing', { parameter: `prompt (function ${editFunction} needs an instruction)` });
    }
    const usesMask = editFunction === 'description_edit_with_mask';
    if (usesMask && !call.mask) throw new GatewayError('parameter_missing', { parameter: 'mask (function description_edit_with_mask)' });

    const warnings: Warning[] = ignoredFieldWarnings(call, [
      { field: 'negativePrompt', feature: 'negative_prompt', why: 'wanx2.1-imageedit has no negative prompt; it was ignored.' },
      { field: 'style', feature: 'style', why: 'wanx2.1-imageedit takes the style from the prompt (e.g. "转换成法国绘本风格"); the style field was ignored.' },
      { field: 'size', feature: 'size', why: 'wanx2.1-imageedit keeps the input size (use function expand or super_resolution to change it); size was ignored.' },
      { field: 'outputFormat', feature: 'output_format', why: 'DashScope chooses the output format; output_format was ignored.' },
    ]);
    if (call.mask && !usesMask) {
      warnings.push({ type: 'unsupported', feature: 'mask', details: `function ${editFunction} does not use a mask; it was ignored (use description_edit_with_mask).` });
    }
    if (call.strength !== undefined && !strengthFunctions.includes(editFunction)) {
      warnings.push({ type: 'unsupported', feature: 'strength', details: `function ${editFunction} has no strength; it was ignored.` });
    }

    const inputs = await this.prepareInputs(call.image, usesMask ? call.mask : undefined, { transport: options.input_transport, adaptInput: options.adapt_input }, context.signal);
    const input: Record<string, unknown> = { function: editFunction, prompt, base_image_url: inputs.imageUrl };
    if (usesMask) input.mask_image_url = inputs.maskUrl;
    const parameters: Record<string, unknown> = { n: call.n };
    if (call.seed !== undefined) parameters.seed = call.seed;
    if (call.strength !== undefined && strengthFunctions.includes(editFunction)) parameters.strength = call.strength;
    copyDefined(options, parameters, ['watermark', 'top_scale', 'bottom_scale', 'left_scale', 'right_scale', 'upscale_factor', 'is_sketch']);
    return {
      body: { model: this.model.id, input, parameters },
      usesTemporaryUploads: inputs.usesTemporaryUploads,
      expectedOutputs: call.n,
      warnings: [...warnings, ...inputs.warnings],
    };
  }

  /** wanx-x-painting: repaint inside the mask; URLs only, so inputs go through the temporary upload. */
  private async xPainting(call: GenerationCall, context: CallContext): Promise<DashScopeSubmission> {
    const options = readDashScopeOptions(call.providerOptions ?? {}, this.model);
    if (!call.mask) throw new GatewayError('parameter_missing', { parameter: 'mask (wanx-x-painting repaints inside a mask)' });
    if (!call.prompt || call.prompt.trim() === '') throw new GatewayError('parameter_missing', { parameter: 'prompt' });
    const parameters: Record<string, unknown> = { n: call.n };
    if (call.size !== undefined) {
      const size = `${call.size.width}*${call.size.height}`;
      if (!(xPaintingSizes as readonly string[]).includes(size)) {
        throw invalid('size', `one of: ${xPaintingSizes.map((known) => known.replace('*', 'x')).join(', ')}`, `${call.size.width}x${call.size.height}`);
      }
      parameters.size = size;
    }
    if (call.style !== undefined) {
      const style = call.style.startsWith('<') ? call.style : `<${call.style}>`;
      if (!(xPaintingStyles as readonly string[]).includes(style)) {
        throw invalid('style', `one of: ${xPaintingStyles.map((known) => known.slice(1, -1)).join(', ')} for wanx-x-painting`, call.style);
      }
      parameters.style = style;
    }
    if (options.mask_color !== undefined) {
      checkMaskColor(options.mask_color);
      parameters.mask_color = options.mask_color;
    }
    const warnings = ignoredFieldWarnings(call, [
      { field: 'strength', feature: 'strength', why: 'wanx-x-painting has no strength; it was ignored.' },
      { field: 'seed', feature: 'seed', why: 'wanx-x-painting takes no seed; it was ignored.' },
      { field: 'negativePrompt', feature: 'negative_prompt', why: 'wanx-x-painting has no negative prompt; it was ignored.' },
      { field: 'outputFormat', feature: 'output_format', why: 'DashScope chooses the output format; output_format was ignored.' },
    ]);
    const inputs = await this.prepareInputs(call.image, call.mask, { transport: 'temporary-upload', adaptInput: options.adapt_input }, context.signal);
    return {
      body: { model: this.model.id, input: { prompt: call.prompt, base_image_url: inputs.imageUrl, mask_image_url: inputs.maskUrl }, parameters },
      usesTemporaryUploads: inputs.usesTemporaryUploads,
      expectedOutputs: call.n,
      warnings: [...warnings, ...inputs.warnings],
    };
  }

  /** wanx-style-repaint-v1: one portrait in a preset style (or a reference image with style_index -1). */
  private async styleRepaint(call: GenerationCall, context: CallContext): Promise<DashScopeSubmission> {
    const options = readDashScopeOptions(call.providerOptions ?? {}, this.model);
    const styleIndex = options.style_index ?? styleIndexFrom(call.style, this.model.styleIndices ?? []);
    const { width, height } = call.image;
    if (Math.max(width, height) > 2 * Math.min(width, height)) {
      throw new GatewayError('provider_cannot_serve', {
        provider: dashscopeProviderName, reason: `wanx-style-repaint-v1 needs a long:short side ratio of at most 2:1 and the image is ${width}×${height}; crop it first`,
      });
    }
    const warnings = ignoredFieldWarnings(call, [
      { field: 'prompt', feature: 'prompt', why: 'wanx-style-repaint-v1 takes no prompt, only a style index; the prompt was ignored.' },
      { field: 'mask', feature: 'mask', why: 'wanx-style-repaint-v1 takes no mask; it was ignored.' },
      { field: 'strength', feature: 'strength', why: 'wanx-style-repaint-v1 has no strength; it was ignored.' },
      { field: 'seed', feature: 'seed', why: 'wanx-style-repaint-v1 takes no seed; it was ignored.' },
      { field: 'negativePrompt', feature: 'negative_prompt', why: 'wanx-style-repaint-v1 has no negative prompt; it was ignored.' },
      { field: 'size', feature: 'size', why: 'wanx-style-repaint-v1 fixes the short side at 1536 px; size was ignored.' },
      { field: 'outputFormat', feature: 'output_format', why: 'DashScope chooses the output format; output_format was ignored.' },
    ]);
    // Checked before the input is prepared: a refused reference must not leave an upload behind.
    const styleRef = options.style_ref_url === undefined ? undefined : await styleReference(options.style_ref_url, this.model.input);
    const inputs = await this.prepareInputs(call.image, undefined, { transport: options.input_transport, adaptInput: options.adapt_input }, context.signal);
    const input: Record<string, unknown> = { image_url: inputs.imageUrl, style_index: styleIndex };
    if (styleRef !== undefined) input.style_ref_url = styleRef;
    return {
      body: { model: this.model.id, input },
      usesTemporaryUploads: inputs.usesTemporaryUploads,
      expectedOutputs: 1,
      warnings: [...warnings, ...inputs.warnings],
    };
  }
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

function copyDefined(options: DashScopeOptions, target: Record<string, unknown>, names: readonly (keyof DashScopeOptions)[]): void {
  for (const name of names) if (options[name] !== undefined) target[name] = options[name];
}
