import { describe, expect, it } from 'vitest';
import { createRaster, sampleView, type RasterRgba } from './frame-sampler.ts';
import { prepareFrameRenderer } from './frame-renderer.ts';
import { splitLayers } from './layer-split.ts';
import type { MotionId } from './motion-catalogue.ts';
import { createVideoPlan, type VideoPlan } from './video-plan.ts';

const frameWidth = 160;
const frameHeight = 120;

function planFor(motion: MotionId): VideoPlan {
  return createVideoPlan({ motion, intensity: 'normal', seed: 0, width: frameWidth, height: frameHeight, frames: 48, fps: 24 });
}

/** A raster filled by `colour(x, y)` → grey level. */
function rasterOf(width: number, height: number, colour: (x: number, y: number) => number): RasterRgba {
  const raster = createRaster(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = colour(x, y);
      raster.data.set([value, value, value, 255], (y * width + x) * 4);
    }
  }
  return raster;
}

/** Black with a white square of side `side` centred at (`centreX`, `centreY`) (shares of the raster size). */
function markerSource(plan: VideoPlan, centreX: number, centreY: number, side = 16): RasterRgba {
  const x0 = centreX * plan.sourceWidth;
  const y0 = centreY * plan.sourceHeight;
  return rasterOf(plan.sourceWidth, plan.sourceHeight, (x, y) => (Math.abs(x + 0.5 - x0) <= side / 2 && Math.abs(y + 0.5 - y0) <= side / 2 ? 255 : 0));
}

function render(plan: VideoPlan, source: RasterRgba, index: number): RasterRgba {
  const { render: renderFrame } = prepareFrameRenderer(plan, source);
  const frame = createRaster(plan.width, plan.height);
  renderFrame(index, frame);
  return frame;
}

/** Brightness-weighted centroid (in shares of the frame size) and bright area of the red channel. */
function brightSpot(frame: RasterRgba): { x: number; y: number; area: number } {
  let sum = 0;
  let sumX = 0;
  let sumY = 0;
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      const value = frame.data[(y * frame.width + x) * 4];
      sum += value;
      sumX += value * (x + 0.5);
      sumY += value * (y + 0.5);
    }
  }
  return { x: sumX / sum / frame.width, y: sumY / sum / frame.height, area: sum / 255 };
}

/** Mean absolute RGB difference between two frames over rows [fromRow, toRow). */
function rowDifference(first: RasterRgba, second: RasterRgba, fromRow: number, toRow: number): number {
  let total = 0;
  for (let index = fromRow * first.width * 4; index < toRow * first.width * 4; index += 4) {
    for (let channel = 0; channel < 3; channel++) total += Math.abs(first.data[index + channel] - second.data[index + channel]);
  }
  return total / ((toRow - fromRow) * first.width * 3);
}

describe('camera motions', () => {
  it('zoom-in magnifies about the centre: an off-centre marker grows and moves outwards', () => {
    const plan = planFor('zoom-in');
    const first = brightSpot(render(plan, markerSource(plan, 0.75, 0.5), 0));
    const last = brightSpot(render(plan, markerSource(plan, 0.75, 0.5), plan.frames - 1));
    // Window 100 % → 80 % of the source, centred: x = (0.75 - 0.1) / 0.8 = 0.8125 at the end.
    expect(first.x).toBeCloseTo(0.75, 2);
    expect(last.x).toBeCloseTo(0.8125, 2);
    expect(last.y).toBeCloseTo(0.5, 2);
    // Bilinear resampling preserves area only approximately.
    expect(Math.abs(last.area / first.area - 1 / 0.8 ** 2)).toBeLessThan(0.1);
  });

  it('zoom-out does the opposite', () => {
    const plan = planFor('zoom-out');
    const first = brightSpot(render(plan, markerSource(plan, 0.75, 0.5), 0));
    const last = brightSpot(render(plan, markerSource(plan, 0.75, 0.5), plan.frames - 1));
    expect(last.x).toBeLessThan(first.x - 0.05);
    expect(last.area).toBeLessThan(first.area);
  });

  it('pan-left travels to the left part of the picture, so the content slides right', () => {
    const plan = planFor('pan-left');
    const first = brightSpot(render(plan, markerSource(plan, 0.5, 0.5), 0));
    const last = brightSpot(render(plan, markerSource(plan, 0.5, 0.5), plan.frames - 1));
    // An 80 % window from the right edge (left = 20 %) to the left edge: x = 0.3 / 0.8 → 0.5 / 0.8.
    expect(first.x).toBeCloseTo(0.375, 2);
    expect(last.x).toBeCloseTo(0.625, 2);
    expect(last.y).toBeCloseTo(first.y, 3);
  });

  it('pan-right and pan-up move the content the other way and vertically', () => {
    const right = planFor('pan-right');
    expect(brightSpot(render(right, markerSource(right, 0.5, 0.5), right.frames - 1)).x).toBeCloseTo(0.375, 2);
    const up = planFor('pan-up');
    const top = brightSpot(render(up, markerSource(up, 0.5, 0.5), 0));
    const bottom = brightSpot(render(up, markerSource(up, 0.5, 0.5), up.frames - 1));
    expect(bottom.y).toBeGreaterThan(top.y + 0.2);
    expect(bottom.x).toBeCloseTo(top.x, 3);
  });

  it('moves smoothly: a slow pan advances a fraction of a pixel every frame instead of whole-pixel jumps', () => {
    // 10 s for a 40-pixel pan: about a quarter of a pixel per frame in the middle of the clip.
    const plan = createVideoPlan({ motion: 'pan-right', intensity: 'normal', seed: 0, width: frameWidth, height: frameHeight, frames: 240, fps: 24 });
    const source = markerSource(plan, 0.5, 0.5);
    const positions = [118, 119, 120, 121].map((index) => brightSpot(render(plan, source, index)).x * frameWidth);
    for (let step = 1; step < positions.length; step++) {
      const moved = positions[step - 1] - positions[step];
      expect(moved).toBeGreaterThan(0.1);
      expect(moved).toBeLessThan(0.5);
    }
  });

  it('Ken Burns zooms and drifts', () => {
    const plan = planFor('ken-burns');
    const first = brightSpot(render(plan, markerSource(plan, 0.5, 0.5), 0));
    const last = brightSpot(render(plan, markerSource(plan, 0.5, 0.5), plan.frames - 1));
    expect(last.area).toBeGreaterThan(first.area * 1.2);
    expect(Math.abs(last.x - first.x)).toBeGreaterThan(0.03);
  });
});

describe('region motions', () => {
  const verticalStripes = (plan: VideoPlan) => rasterOf(plan.sourceWidth, plan.sourceHeight, (x) => (Math.floor(x / 3) % 2) * 255);
  const horizontalStripes = (plan: VideoPlan) => rasterOf(plan.sourceWidth, plan.sourceHeight, (_, y) => (Math.floor(y / 3) % 2) * 255);

  it('sway moves the top of the picture and leaves the bottom nearly still', () => {
    const plan = planFor('sway');
    const first = render(plan, verticalStripes(plan), 0);
    const later = render(plan, verticalStripes(plan), 12);
    const top = rowDifference(first, later, 0, 30);
    const bottom = rowDifference(first, later, 105, 120);
    expect(top).toBeGreaterThan(20);
    expect(bottom).toBeLessThan(top / 10);
  });

  it('ripple moves the lower part of the picture and leaves the top exactly as it was', () => {
    const plan = planFor('ripple');
    const first = render(plan, horizontalStripes(plan), 0);
    const later = render(plan, horizontalStripes(plan), 7);
    expect(rowDifference(first, later, 0, 45)).toBe(0);
    expect(rowDifference(first, later, 90, 120)).toBeGreaterThan(10);
  });

  it('cloud drift slides the upper part and keeps the ground', () => {
    const plan = planFor('cloud-drift');
    const first = render(plan, verticalStripes(plan), 0);
    const last = render(plan, verticalStripes(plan), plan.frames - 1);
    expect(rowDifference(first, last, 0, 30)).toBeGreaterThan(50);
    expect(rowDifference(first, last, 75, 120)).toBe(0);
  });

  it('flicker changes the brightness of bright areas only', () => {
    const plan = planFor('flicker');
    // Dark picture with a bright lamp in the upper left quarter.
    const lamp = () => rasterOf(plan.sourceWidth, plan.sourceHeight, (x, y) => (Math.hypot(x - 40, y - 30) < 12 ? 200 : 30));
    const frames = [0, 5, 10, 15, 20].map((index) => render(plan, lamp(), index));
    const lampValues = frames.map((frame) => frame.data[(30 * frame.width + 40) * 4]);
    expect(new Set(lampValues).size).toBeGreaterThan(1);
    for (const frame of frames) expect(frame.data[(100 * frame.width + 140) * 4]).toBe(30);
  });

  it('parallax splits a centred subject from its background and fills the plate behind it', () => {
    const plan = planFor('parallax');
    const subject = () =>
      rasterOf(plan.sourceWidth, plan.sourceHeight, (x, y) =>
        Math.hypot(x - plan.sourceWidth / 2, y - plan.sourceHeight / 2) < plan.sourceHeight / 5 ? 230 : 40 + ((x + y) % 7),
      );
    const source = subject();
    const { plate, split } = splitLayers(source);
    expect(split.usedCentreFallback).toBe(false);
    const centre = ((plan.sourceHeight >> 1) * plan.sourceWidth + (plan.sourceWidth >> 1)) * 4;
    expect(source.data[centre + 3]).toBeGreaterThan(200);
    expect(source.data[3]).toBeLessThan(30);
    expect(Math.abs(plate.data[centre] - 43)).toBeLessThan(15);

    const first = render(plan, subject(), 0);
    const last = render(plan, subject(), plan.frames - 1);
    expect(rowDifference(first, last, 0, plan.height)).toBeGreaterThan(1);
  });
});

describe('sampleView', () => {
  it('reproduces the source exactly for an identity view', () => {
    const source = rasterOf(32, 16, (x, y) => (x * 7 + y * 13) % 256);
    const output = createRaster(32, 16);
    sampleView(source, { left: 0, top: 0, scaleX: 1, scaleY: 1 }, output);
    expect(Buffer.from(output.data).equals(Buffer.from(source.data))).toBe(true);
  });

  it('interpolates half-way between pixels for a half-pixel shift', () => {
    const source = rasterOf(4, 1, (x) => (x % 2) * 200);
    const output = createRaster(3, 1);
    sampleView(source, { left: 0.5, top: 0, scaleX: 1, scaleY: 1 }, output);
    expect([output.data[0], output.data[4], output.data[8]]).toEqual([100, 100, 100]);
  });
});
