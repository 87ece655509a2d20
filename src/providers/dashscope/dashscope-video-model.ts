import type { GenerationCall } from '../spec/generation-call.ts';
import type { CallContext, CallParameters } from '../spec/provider-model.ts';
import { checkImagePresent, ignoredFieldWarnings, parametersOf } from './dashscope-call-checks.ts';
import { DashScopeTaskModel, type DashScopeSubmission } from './dashscope-task-model.ts';
import { readVideoParameters } from './dashscope-video-parameters.ts';

/**
 * DashScope image-to-video (wan2.2-i2v-plus, wan2.2-i2v-flash, wanx2.1-i2v-turbo, wanx2.1-i2v-plus): the first
 * frame (360–2000 px, no alpha — adapted with a warning), prompt, negative prompt, resolution, duration, seed,
 * prompt_extend, watermark and template. Tasks take 1–5 minutes; polled every 15 s.
 */
export class DashScopeVideoModel extends DashScopeTaskModel {
  checkParameters(call: CallParameters): void {
    readVideoParameters(call, this.model);
  }

  protected async buildSubmission(call: GenerationCall, context: CallContext): Promise<DashScopeSubmission> {
    checkImagePresent(call);
    const { options, resolution, duration, hasDurationChoice } = readVideoParameters(parametersOf(call), this.model);

    const warnings = ignoredFieldWarnings(call, [
      { field: 'mask', feature: 'mask', why: `${this.model.id} takes no mask; it was ignored.` },
      { field: 'strength', feature: 'strength', why: `${this.model.id} has no strength; it was ignored.` },
      { field: 'style', feature: 'style', why: `${this.model.id} takes the style from the prompt; the style field was ignored.` },
      { field: 'motion', feature: 'motion', why: `${this.model.id} takes the motion from the prompt; the motion field was ignored.` },
      { field: 'size', feature: 'size', why: `${this.model.id} follows the input's aspect ratio at the chosen resolution; size was ignored.` },
      { field: 'outputFormat', feature: 'output_format', why: 'DashScope videos are MP4; output_format was ignored.' },
    ]);
    if (options.template !== undefined && call.prompt !== undefined && call.prompt !== '') {
      // Spec §4.4: DashScope ignores the prompt when a template is set; say so instead of letting it vanish.
      warnings.push({ type: 'unsupported', feature: 'prompt', details: `${this.model.id} ignores the prompt when a template is set (template ${options.template}); the template decides the motion.` });
    }
    const inputs = await this.prepareInputs(call.image, undefined, { transport: options.input_transport, adaptInput: options.adapt_input }, context.signal);

    const input: Record<string, unknown> = { img_url: inputs.imageUrl };
    if (call.prompt !== undefined && call.prompt !== '') input.prompt = call.prompt;
    if (call.negativePrompt !== undefined && call.negativePrompt !== '') input.negative_prompt = call.negativePrompt;
    if (options.template !== undefined) input.template = options.template;
    const parameters: Record<string, unknown> = { resolution };
    // Models with a fixed length get no duration field: the documented request has none for them.
    if (hasDurationChoice) parameters.duration = duration;
    if (options.prompt_extend !== undefined) parameters.prompt_extend = options.prompt_extend;
    if (options.watermark !== undefined) parameters.watermark = options.watermark;
    if (call.seed !== undefined) parameters.seed = call.seed;
    return {
      body: { model: this.model.id, input, parameters },
      usesTemporaryUploads: inputs.usesTemporaryUploads,
      expectedOutputs: 1,
      requestedDurationSeconds: duration,
      warnings: [...warnings, ...inputs.warnings],
    };
  }
}
