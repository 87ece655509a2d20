import { intensityFactor, type MotionId, type MotionIntensity } from './motion-catalogue.ts';

/**
 * A camera position on the prepared source: `fraction` of the source visible (1 = all of it), and where that window
 * sits in the room left over (`panX`/`panY` 0 = left/top edge, 1 = right/bottom edge). Windows therefore never
 * leave the picture, whatever the motion.
 */
export interface CameraView {
  fraction: number;
  panX: number;
  panY: number;
  /**
   * Parallax only: the foreground layer's window relative to this one, magnified by `zoom` (≥ 1) about its centre
   * and moved by `shift` (a share of the source width). The near layer moving more is what reads as depth.
   */
  foreground?: { zoom: number; shift: number };
}

/** What a motion needs from the frame renderer beyond the camera. */
export type MotionEffect = 'none' | 'parallax' | 'sway' | 'ripple' | 'flicker' | 'cloud-drift';

export interface MotionPath {
  /** Smallest `fraction` the path reaches: the source is prepared so that this window maps 1:1 to the frame. */
  tightestFraction: number;
  effect: MotionEffect;
  /** Camera at `progress` 0..1 through the clip (already eased). */
  camera(progress: number): CameraView;
}

/** Ease-in-out, so a camera starts and stops smoothly instead of jerking at the first and last frame. */
export function easeInOut(progress: number): number {
  return 0.5 - 0.5 * Math.cos(Math.PI * progress);
}

function interpolate(from: number, to: number, progress: number): number {
  return from + (to - from) * progress;
}

/** Zoom interpolated geometrically, so it feels uniform (each frame magnifies by the same ratio). */
function interpolateZoom(from: number, to: number, progress: number): number {
  return from * Math.pow(to / from, progress);
}

/**
 * The camera path of each motion. Amplitudes scale with the intensity and are chosen so that even `strong` stays
 * inside the picture: pans use the room a zoom leaves, and region motions keep a margin for their displacement.
 */
export function motionPath(motion: MotionId, intensity: MotionIntensity, seed: number): MotionPath {
  const strength = intensityFactor[intensity];
  // The tightest window of a zoom or pan: 1 / (1 + 25 %) at normal strength.
  const zoomed = 1 / (1 + 0.25 * strength);
  const still = (fraction: number, effect: MotionEffect): MotionPath => ({
    tightestFraction: fraction,
    effect,
    camera: () => ({ fraction, panX: 0.5, panY: 0.5 }),
  });
  switch (motion) {
    case 'ken-burns': {
      // The seed picks one of four diagonal drifts, so a batch of clips does not all move the same way.
      const horizontal = seed % 2 === 0 ? 1 : -1;
      const vertical = Math.floor(seed / 2) % 2 === 0 ? 1 : -1;
      const start = 0.97;
      const end = 1 / (1 + 0.18 * strength);
      return {
        tightestFraction: end,
        effect: 'none',
        camera: (progress) => {
          const eased = easeInOut(progress);
          return {
            fraction: interpolateZoom(start, end, eased),
            panX: 0.5 + horizontal * 0.3 * strength * (eased - 0.5),
            panY: 0.5 + vertical * 0.2 * strength * (eased - 0.5),
          };
        },
      };
    }
    case 'zoom-in':
    case 'zoom-out': {
      const [from, to] = motion === 'zoom-in' ? [1, zoomed] : [zoomed, 1];
      return {
        tightestFraction: zoomed,
        effect: 'none',
        camera: (progress) => ({ fraction: interpolateZoom(from, to, easeInOut(progress)), panX: 0.5, panY: 0.5 }),
      };
    }
    case 'pan-left':
    case 'pan-right':
    case 'pan-up':
    case 'pan-down': {
      // Panning left moves the window from the right edge of the room to the left edge, and so on.
      const [axis, from, to] = ({
        'pan-left': ['x', 1, 0],
        'pan-right': ['x', 0, 1],
        'pan-up': ['y', 1, 0],
        'pan-down': ['y', 0, 1],
      } as const)[motion];
      return {
        tightestFraction: zoomed,
        effect: 'none',
        camera: (progress) => {
          const position = interpolate(from, to, easeInOut(progress));
          return { fraction: zoomed, panX: axis === 'x' ? position : 0.5, panY: axis === 'y' ? position : 0.5 };
        },
      };
    }
    case 'parallax': {
      // The camera slides sideways and pushes in a little; the foreground layer does both more than the background.
      const start = 0.9;
      const end = start / (1 + 0.04 * strength);
      const direction = seed % 2 === 0 ? 1 : -1;
      return {
        tightestFraction: end / (1 + parallaxForegroundZoom * strength),
        effect: 'parallax',
        camera: (progress) => {
          const eased = easeInOut(progress);
          return {
            fraction: interpolateZoom(start, end, eased),
            panX: 0.5 + direction * 0.3 * strength * (eased - 0.5),
            panY: 0.5,
            foreground: { zoom: 1 + parallaxForegroundZoom * strength * eased, shift: direction * parallaxForegroundShift * strength * (eased - 0.5) },
          };
        },
      };
    }
    case 'sway':
      return still(0.94, 'sway');
    case 'ripple':
      return still(0.94, 'ripple');
    case 'cloud-drift':
      return still(0.9, 'cloud-drift');
    case 'flicker':
      return still(1, 'flicker');
  }
}

/** Extra zoom of the foreground layer over the background at the end of a parallax clip (normal strength). */
export const parallaxForegroundZoom = 0.08;
/** Extra travel of the foreground layer relative to the background, as a share of the source width. */
export const parallaxForegroundShift = 0.045;
