import { motionPath } from './camera-paths.ts';
import type { MotionId, MotionIntensity } from './motion-catalogue.ts';

/**
 * Everything the frame renderer needs, decided on the main thread and sent to a worker: plain data, so it can be
 * structured-cloned (and logged).
 */
export interface VideoPlan {
  motion: MotionId;
  intensity: MotionIntensity;
  seed: number;
  /** Frame size (even; see `videoFrameSize`). */
  width: number;
  height: number;
  frames: number;
  fps: number;
  /** Size the input is decoded to: the motion's tightest window then maps 1:1 to the frame. */
  sourceWidth: number;
  sourceHeight: number;
}

/** Builds a plan; the source size follows from the motion's tightest window. */
export function createVideoPlan(options: Omit<VideoPlan, 'sourceWidth' | 'sourceHeight'>): VideoPlan {
  const { tightestFraction } = motionPath(options.motion, options.intensity, options.seed);
  return {
    ...options,
    sourceWidth: Math.ceil(options.width / tightestFraction),
    sourceHeight: Math.ceil(options.height / tightestFraction),
  };
}
