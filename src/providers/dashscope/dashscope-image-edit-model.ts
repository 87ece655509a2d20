import { InlineData } from '../shared/inline-data-json.ts';
import type { GenerationCall } from '../spec/generation-call.ts';
import type { CallContext, CallParameters, ParameterCheck } from '../spec/provider-model.ts';
import type { Warning } from '../spec/warning.ts';
import type { ImageEditFunction } from './dashscope-capabilities.ts';
import { checkImagePresent, ignoredFieldWarnings, parametersOf } from './dashscope-call-checks.ts';
import { readImageToImageParameters, type ImageToImageParameters } from './dashscope-image-to-image-parameters.ts';
import type { DashScopeOptions } from './dashscope-options.ts';
import { styleReference } from './dashscope-style-reference.ts';
import { DashScopeTaskModel, type DashScopeSubmission } from './dashscope-task-model.ts';

/** Functions that read `parameters.strength` (spec §4.1). */
const strengthFunctions: readonly ImageEditFunction[] = ['stylization_all', 'description_edit'];

type ParametersOf<Family extends ImageToImageParameters['family']> = Extract<ImageToImageParameters, { family: Family }>;

/** A call's parameters once every rule that needs no input image passed: the style reference as it will be sent. */
interface CheckedParameters {
  parameters: ImageToImageParameters;
  /** `provider_options.aliyun.style_ref_url` as sent: the URL as given, or the checked data URI's bytes. */
  styleRef?: string | InlineData;
}

/**
 * DashScope image-to-image: wanx2.1-imageedit (all ten functions), wanx-x-painting (mask repaint, URL inputs via
 * temporary upload) and wanx-style-repaint-v1 (portrait styles). Submit-and-poll; see `DashScopeTaskModel`.
 */
export class DashScopeImageEditModel extends DashScopeTaskModel {
  /**
   * `readParameters`; a style reference given as a data URI comes back as an option image, so that the task row keeps
   * a file id instead of its base64 and `start` gets it back as a data URI of the same bytes (see `ParameterCheck`).
   */
  async checkParameters(call: CallParameters): Promise<ParameterCheck | undefined> {
    const { styleRef } = await this.readParameters(call);
    return styleRef instanceof InlineData ? { optionImages: { style_ref_url: styleRef } } : undefined;
  }

  protected async buildSubmission(call: GenerationCall, context: CallContext): Promise<DashScopeSubmission> {
    checkImagePresent(call);
    // Before the inputs are prepared: a refused style reference must not leave an upload behind.
    const { parameters, styleRef } = await this.readParameters(parametersOf(call));
    switch (parameters.family) {
      case 'image-edit':
        return this.imageEdit(call, parameters, context);
      case 'x-painting':
        return this.xPainting(call, parameters, context);
      case 'style-repaint':
        return this.styleRepaint(call, parameters, styleRef, context);
    }
  }

  /**
   * Every rule that needs no input image, run by `checkParameters` before any task exists and again by `start`:
   * `readImageToImageParameters`, then wanx-style-repaint-v1's style reference image. The reference is a parameter,
   * not the input, so a bad one is a 400 on every route; its check is asynchronous only because sharp reads the
   * header asynchronously.
   */
  private async readParameters(call: CallParameters): Promise<CheckedParameters> {
    const parameters = readImageToImageParameters(call, this.model);
    if (parameters.family !== 'style-repaint' || parameters.options.style_ref_url === undefined) return { parameters };
    return { parameters, styleRef: await styleReference(parameters.options.style_ref_url, this.model.input) };
  }

  /** wanx2.1-imageedit: one of its ten functions (see `readImageToImageParameters` for which). */
  private async imageEdit(call: GenerationCall, { options, editFunction, usesMask }: ParametersOf<'image-edit'>, context: CallContext): Promise<DashScopeSubmission> {
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
    const input: Record<string, unknown> = { function: editFunction, prompt: call.prompt ?? '', base_image_url: inputs.imageUrl };
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
  private async xPainting(call: GenerationCall, { options, size, style }: ParametersOf<'x-painting'>, context: CallContext): Promise<DashScopeSubmission> {
    const parameters: Record<string, unknown> = { n: call.n };
    if (size !== undefined) parameters.size = size;
    if (style !== undefined) parameters.style = style;
    if (options.mask_color !== undefined) parameters.mask_color = options.mask_color;
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
  private async styleRepaint(
    call: GenerationCall,
    { options, styleIndex }: ParametersOf<'style-repaint'>,
    styleRef: string | InlineData | undefined,
    context: CallContext,
  ): Promise<DashScopeSubmission> {
    const warnings = ignoredFieldWarnings(call, [
      { field: 'prompt', feature: 'prompt', why: 'wanx-style-repaint-v1 takes no prompt, only a style index; the prompt was ignored.' },
      { field: 'mask', feature: 'mask', why: 'wanx-style-repaint-v1 takes no mask; it was ignored.' },
      { field: 'strength', feature: 'strength', why: 'wanx-style-repaint-v1 has no strength; it was ignored.' },
      { field: 'seed', feature: 'seed', why: 'wanx-style-repaint-v1 takes no seed; it was ignored.' },
      { field: 'negativePrompt', feature: 'negative_prompt', why: 'wanx-style-repaint-v1 has no negative prompt; it was ignored.' },
      { field: 'size', feature: 'size', why: 'wanx-style-repaint-v1 fixes the short side at 1536 px; size was ignored.' },
      { field: 'outputFormat', feature: 'output_format', why: 'DashScope chooses the output format; output_format was ignored.' },
    ]);
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

function copyDefined(options: DashScopeOptions, target: Record<string, unknown>, names: readonly (keyof DashScopeOptions)[]): void {
  for (const name of names) if (options[name] !== undefined) target[name] = options[name];
}
