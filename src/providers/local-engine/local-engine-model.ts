import type { Engine } from '../../engine/engine-types.ts';
import type { GenerationCall } from '../spec/generation-call.ts';
import { validateImageJob } from '../../engine/validate-image-job.ts';
import { chooseMotion } from '../../engine/video/motion-from-prompt.ts';
import { validateVideoParameters } from '../../engine/video/video-parameters.ts';
import type { CallContext, CallParameters, ProviderModel, StartResult } from '../spec/provider-model.ts';

/** Adapts the embedded engine to the provider contract: always completes within `start`. */
export class LocalEngineModel implements ProviderModel {
  readonly providerId = 'local';

  constructor(readonly modelId: string, private readonly engine: Engine) {}

  /** The engine's own checks (ranges, style and motion ids), run before a task exists; `start` runs them again. */
  checkParameters(call: CallParameters): void {
    if (call.service === 'image-to-video') {
      validateVideoParameters({ duration: call.duration, resolution: call.resolution, seed: call.seed });
      chooseMotion({ motion: call.motion });
      return;
    }
    validateImageJob(call);
  }

  async start(call: GenerationCall, context: CallContext): Promise<StartResult> {
    if (call.service === 'image-to-video') {
      const video = await this.engine.imageToVideo({
        image: call.image, prompt: call.prompt, motion: call.motion, duration: call.duration,
        resolution: call.resolution, seed: call.seed, signal: context.signal, onProgress: context.onProgress,
      });
      return {
        status: 'completed',
        result: { outputs: [video.output], warnings: video.warnings, usage: { videoSeconds: video.durationSeconds }, applied: video.applied },
      };
    }
    const edited = await this.engine.editImage({
      image: call.image, mask: call.mask, prompt: call.prompt, style: call.style, strength: call.strength,
      seed: call.seed, n: call.n, outputFormat: call.outputFormat, signal: context.signal, onProgress: context.onProgress,
    });
    return {
      status: 'completed',
      result: {
        // Each variation's seed travels with it, so a client can reproduce variation k by sending its seed with n = 1.
        outputs: edited.outputs.map(({ bytes, mediaType, seed }) => ({ bytes, mediaType, seed })),
        warnings: edited.warnings,
        usage: { images: edited.outputs.length },
        applied: edited.applied,
      },
    };
  }
}
