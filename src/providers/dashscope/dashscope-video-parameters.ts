import { GatewayError } from '../../errors/gateway-error.ts';
import type { VideoResolution } from '../spec/generation-call.ts';
import type { CallParameters } from '../spec/provider-model.ts';
import type { DashScopeModelCapabilities } from './dashscope-capabilities.ts';
import { checkCommonParameters, invalid } from './dashscope-call-checks.ts';
import { dashscopeProviderName } from './dashscope-error.ts';
import { readDashScopeOptions, type DashScopeOptions } from './dashscope-options.ts';

/** An image-to-video call's parameters once checked, defaults filled in. */
export interface VideoParameters {
  options: DashScopeOptions;
  resolution: VideoResolution;
  duration: number;
  /** Whether the model makes clips of more than one length (otherwise the request body has no duration field). */
  hasDurationChoice: boolean;
}

/**
 * Every check of a DashScope image-to-video model that needs no input image: the common ranges, the provider options,
 * and the model's resolutions and durations. Run by `checkParameters` before any task exists and again by `start`,
 * so the rules live once and the error is the same on every route.
 *
 * @throws GatewayError `parameter_invalid`, `parameter_missing`, or `provider_cannot_serve` for a model of another family.
 */
export function readVideoParameters(call: CallParameters, model: DashScopeModelCapabilities): VideoParameters {
  const video = model.video;
  if (model.family !== 'image-to-video' || video === undefined) {
    throw new GatewayError('provider_cannot_serve', { provider: dashscopeProviderName, reason: `${model.id} is not an image-to-video model` });
  }
  checkCommonParameters(call, model);
  const options = readDashScopeOptions(call.providerOptions ?? {}, model);
  const resolution = call.resolution ?? video.defaultResolution;
  if (!video.resolutions.includes(resolution)) throw invalid('resolution', `one of: ${video.resolutions.join(', ')} for ${model.id}`, resolution);
  const duration = call.duration ?? video.defaultDuration;
  if (!video.durations.includes(duration)) {
    throw invalid('duration', video.durations.length === 1 ? `${video.durations[0]} (${model.id} makes ${video.durations[0]} s clips)` : `one of: ${video.durations.join(', ')} seconds for ${model.id}`, duration);
  }
  return { options, resolution, duration, hasDurationChoice: video.durations.length > 1 };
}
