import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import type { VideoResolution } from '../../providers/spec/generation-call.ts';

/** Shorter side of the video, in pixels, per resolution name (DashScope's names). */
export const resolutionShortSide: Readonly<Record<VideoResolution, number>> = { '480P': 480, '720P': 720, '1080P': 1080 };

export const videoDefaults = { durationSeconds: 5, resolution: '720P' as VideoResolution, fps: 24 } as const;
export const durationRange = { minimum: 3, maximum: 5 } as const;
export const fpsRange = { minimum: 8, maximum: 30 } as const;
export const seedRange = { minimum: 0, maximum: 2_147_483_647 } as const;
/** The widest aspect ratio accepted (either orientation): beyond it a 1080P video would exceed 4096 pixels. */
export const maximumAspectRatio = 3.75;

export interface VideoParameters {
  durationSeconds: number;
  resolution: VideoResolution;
  fps: number;
  frames: number;
  seed: number;
}

/** Validates duration, resolution, fps and seed (never clamps) and fills the defaults. */
export function validateVideoParameters(request: { duration?: unknown; resolution?: unknown; fps?: unknown; seed?: unknown }): VideoParameters {
  const durationSeconds = request.duration ?? videoDefaults.durationSeconds;
  if (!isIntegerBetween(durationSeconds, durationRange.minimum, durationRange.maximum)) {
    throw new GatewayError('parameter_invalid', {
      parameter: 'duration',
      expected: `an integer number of seconds between ${durationRange.minimum} and ${durationRange.maximum}`,
      received: describeReceived(request.duration),
    });
  }
  const resolution = request.resolution ?? videoDefaults.resolution;
  if (typeof resolution !== 'string' || !Object.hasOwn(resolutionShortSide, resolution)) {
    throw new GatewayError('parameter_invalid', {
      parameter: 'resolution',
      expected: `one of: ${Object.keys(resolutionShortSide).join(', ')}`,
      received: describeReceived(request.resolution),
    });
  }
  const fps = request.fps ?? videoDefaults.fps;
  if (!isIntegerBetween(fps, fpsRange.minimum, fpsRange.maximum)) {
    throw new GatewayError('parameter_invalid', {
      parameter: 'fps',
      expected: `an integer between ${fpsRange.minimum} and ${fpsRange.maximum}`,
      received: describeReceived(request.fps),
    });
  }
  const seed = request.seed ?? 0;
  if (!isIntegerBetween(seed, seedRange.minimum, seedRange.maximum)) {
    throw new GatewayError('parameter_invalid', {
      parameter: 'seed',
      expected: `an integer between ${seedRange.minimum} and ${seedRange.maximum}`,
      received: describeReceived(request.seed),
    });
  }
  return { durationSeconds, resolution: resolution as VideoResolution, fps, frames: durationSeconds * fps, seed };
}

/**
 * The video's frame size: the shorter side becomes the resolution's size and the longer side keeps the aspect
 * ratio, rounded to a multiple of 16 as DashScope does (which also satisfies H.264's even-size rule for 4:2:0).
 * Throws `parameter_invalid` for images too elongated to make a reasonable video.
 */
export function videoFrameSize(imageWidth: number, imageHeight: number, resolution: VideoResolution): { width: number; height: number } {
  const aspect = imageWidth / imageHeight;
  if (!(aspect <= maximumAspectRatio && aspect >= 1 / maximumAspectRatio)) {
    throw new GatewayError('parameter_invalid', {
      parameter: 'image',
      expected: `an image whose aspect ratio is between 1:${maximumAspectRatio} and ${maximumAspectRatio}:1`,
      received: `${imageWidth}×${imageHeight}`,
    });
  }
  const shortSide = resolutionShortSide[resolution];
  const longSide = Math.round((shortSide * Math.max(aspect, 1 / aspect)) / 16) * 16;
  return aspect >= 1 ? { width: longSide, height: shortSide } : { width: shortSide, height: longSide };
}

function isIntegerBetween(value: unknown, minimum: number, maximum: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= minimum && value <= maximum;
}
