import { GatewayError } from '../../errors/gateway-error.ts';
import type { GenerationCall } from '../spec/generation-call.ts';
import type { CallContext } from '../spec/provider-model.ts';
import { checkCommonFields, ignoredFieldWarnings, invalid } from './dashscope-call-checks.ts';
import { dashscopeProviderName } from './dashscope-error.ts';
import { readDashScopeOptions } from './dashscope-options.ts';
import { DashScopeTaskModel, type DashScopeSubmission } from './dashscope-task-model.ts';

/**
 * DashScope image-to-video (wan2.2-i2v-plus, wan2.2-i2v-flash, wanx2.1-i2v-turbo, wanx2.1-i2v-plus): the first
 * frame (360–2000 px, no alpha — adapted with a warning), prompt, negative prompt, resolution, duration, seed,
 * prompt_extend, watermark and template. Tasks take 1–5 minutes; polled every 15 s.
 */
export class DashScopeVideoModel extends DashScopeTaskModel {
  protected async buildSubmission(call: GenerationCall, context: CallContext): Promise<DashScopeSubmission> {
    const video = this.model.video;
    if (this.model.family !== 'image-to-video' || video === undefined) {
      throw new GatewayError('provider_cannot_serve', { provider: dashscopeProviderName, reason: `${this.model.id} is not an image-to-video model` });
    }
    checkCommonFields(call, this.model);
    const options = readDashScopeOptions(call.providerOptions ?? {}, this.model);
    const resolution = call.resolution ?? video.defaultResolution;
    if (!video.resolutions.includes(resolution)) throw invalid('resolution', `one of: ${video.resolutions.join(', ')} for ${this.model.id}`, resolution);
    const duration = call.duration ?? video.defaultDuration;
    if (!video.durations.includes(duration)) {
      throw invalid('duration', video.durations.length === 1 ? `${video.durations[0]} (${this.model.id} makes ${video.durations[0]} s clips)` : `one of: ${video.durations.join(', ')} seconds for ${this.model.id}`, duration);
    }

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
    if (video.durations.length > 1) parameters.duration = duration;
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
