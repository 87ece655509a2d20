import { motionPath, type CameraView } from './camera-paths.ts';
import { createRaster, sampleDisplaced, sampleView, type RasterRgba, type ViewTransform } from './frame-sampler.ts';
import { minimumHighlightCoverage, writeHighlightMask } from './highlight-mask.ts';
import { splitLayers } from './layer-split.ts';
import { intensityFactor } from './motion-catalogue.ts';
import { cloudDriftField, flickerGain, rippleField, swayField, type RegionField } from './region-fields.ts';
import type { VideoPlan } from './video-plan.ts';

/** Renders frame `index` of the plan into `output` (the frame size, RGBA; the fourth channel is scratch). */
export type FrameRenderer = (index: number, output: RasterRgba) => void;

export interface PreparedRenderer {
  render: FrameRenderer;
  /** Things worth telling the caller about the picture, e.g. that it has no bright areas to flicker. */
  notes: string[];
}

/**
 * Prepares what the plan's motion needs from the decoded source (foreground matte and background plate for
 * parallax, highlight mask for flicker, displacement tables for sway, ripple and clouds) and returns the per-frame
 * renderer. `source` must be `plan.sourceWidth × plan.sourceHeight`; its fourth channel is overwritten.
 */
export function prepareFrameRenderer(plan: VideoPlan, source: RasterRgba): PreparedRenderer {
  const path = motionPath(plan.motion, plan.intensity, plan.seed);
  const strength = intensityFactor[plan.intensity];
  const { width, height } = plan;
  const notes: string[] = [];
  const progressOf = (index: number) => (plan.frames > 1 ? index / (plan.frames - 1) : 0);
  const secondsOf = (index: number) => index / plan.fps;
  const viewAt = (index: number) => viewTransform(path.camera(progressOf(index)), source, width, height);

  const displaced = (field: RegionField): PreparedRenderer => ({
    notes,
    render: (index, output) => {
      const view = viewAt(index);
      const { from, to } = field.movingRows;
      // Rows the field leaves alone take the cheaper separable path; the result is the same view either way.
      if (from > 0) sampleView(source, view, output, { from: 0, to: from });
      sampleDisplaced(source, view, field.at(secondsOf(index)), output, field.movingRows);
      if (to < height) sampleView(source, view, output, { from: to, to: height });
    },
  });

  switch (path.effect) {
    case 'none':
      return { notes, render: (index, output) => sampleView(source, viewAt(index), output) };
    case 'sway':
      return displaced(swayField(width, height, strength, plan.seed));
    case 'ripple':
      return displaced(rippleField(width, height, strength, plan.seed));
    case 'cloud-drift':
      return displaced(cloudDriftField(width, height, strength, plan.seed, plan.frames / plan.fps));
    case 'flicker': {
      const coverage = writeHighlightMask(source);
      if (coverage < minimumHighlightCoverage) {
        notes.push(`the picture has almost no bright areas (${(coverage * 100).toFixed(1)} % of it), so the flicker is barely visible`);
      }
      const gain = flickerGain(width, height, strength, plan.seed, plan.frames / plan.fps);
      return {
        notes,
        render: (index, output) => {
          sampleView(source, viewAt(index), output);
          gain.apply(output, secondsOf(index));
        },
      };
    }
    case 'parallax': {
      const { plate, split } = splitLayers(source);
      if (split.usedCentreFallback) notes.push('no distinct subject was found; parallax uses a soft centre ellipse as the foreground layer');
      const background = createRaster(width, height);
      return {
        notes,
        render: (index, output) => {
          const camera = path.camera(progressOf(index));
          sampleView(plate, viewTransform(camera, plate, width, height), background);
          sampleView(source, foregroundTransform(camera, source, width, height), output);
          compositeOver(output, background);
        },
      };
    }
  }
}

/** The source window of a camera view, as a sampler transform for a `width × height` frame. */
export function viewTransform(camera: CameraView, source: { width: number; height: number }, width: number, height: number): ViewTransform {
  const windowWidth = camera.fraction * source.width;
  const windowHeight = camera.fraction * source.height;
  return {
    left: camera.panX * (source.width - windowWidth),
    top: camera.panY * (source.height - windowHeight),
    scaleX: windowWidth / width,
    scaleY: windowHeight / height,
  };
}

/** The foreground layer's window: the background window magnified about its centre and shifted sideways. */
function foregroundTransform(camera: CameraView, source: { width: number; height: number }, width: number, height: number): ViewTransform {
  const background = viewTransform(camera, source, width, height);
  const zoom = camera.foreground?.zoom ?? 1;
  const shift = (camera.foreground?.shift ?? 0) * source.width;
  const centreX = background.left + (background.scaleX * width) / 2 + shift;
  const centreY = background.top + (background.scaleY * height) / 2;
  const scaleX = background.scaleX / zoom;
  const scaleY = background.scaleY / zoom;
  return { left: centreX - (scaleX * width) / 2, top: centreY - (scaleY * height) / 2, scaleX, scaleY };
}

/** `foreground` (whose fourth channel is the matte) over `background`, in place in `foreground`. */
function compositeOver(foreground: RasterRgba, background: RasterRgba): void {
  const front = foreground.data;
  const back = background.data;
  for (let index = 0; index < front.length; index += 4) {
    const alpha = front[index + 3];
    if (alpha === 255) continue;
    if (alpha === 0) {
      front[index] = back[index];
      front[index + 1] = back[index + 1];
      front[index + 2] = back[index + 2];
      continue;
    }
    const weight = alpha / 255;
    front[index] = back[index] + (front[index] - back[index]) * weight + 0.5;
    front[index + 1] = back[index + 1] + (front[index + 1] - back[index + 1]) * weight + 0.5;
    front[index + 2] = back[index + 2] + (front[index + 2] - back[index + 2]) * weight + 0.5;
  }
}
