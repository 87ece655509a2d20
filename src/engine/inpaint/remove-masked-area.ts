import { GatewayError } from '../../errors/gateway-error.ts';
import type { Warning } from '../../providers/spec/warning.ts';
import type { RawImage } from '../raw-image.ts';
import { createSeededRandom } from '../seeded-random.ts';
import type { WorkerPool } from '../workers/worker-pool.ts';
import { cropPixels, expandBox, type PixelBox } from './mask-geometry.ts';
import { patchMatchFill } from './patch-match-fill.ts';
import { region, type RemovalPlan, type RemovalPlanInput } from './removal-plan.ts';
import { teleaRegion, type TeleaInput } from './telea.ts';

/** Mask growth before filling, so the soft edge of a removed object is not used as a source and bleeds back in. */
export const dilationRadius = 3;
/** Parts whose largest inscribed radius is at most this many pixels are strokes: Telea fills them well. */
export const thinRadiusLimit = 6;
/** Telea's neighbourhood radius ε. */
const teleaRadius = 4;

export interface RemovalRequest {
  image: RawImage;
  mask: Uint8Array;
  /** Bounds of the mask's edit pixels. */
  bounds: PixelBox;
  seed: number;
  pool: WorkerPool;
  signal?: AbortSignal;
}

export interface RemovalResult {
  /** A full-size copy of the image with the (dilated) mask filled; only the masked pixels are used by the caller. */
  filled: Uint8Array;
  /** `telea` and/or `patchmatch`, in the order they ran. */
  methods: ('telea' | 'patchmatch')[];
  warnings: Warning[];
}

/**
 * Fills the masked area from its surroundings: thin parts by Telea, thick parts by multi-scale PatchMatch, each on a
 * crop around its part, all on the worker pool. Telea runs first with the thick parts marked unavailable, so that
 * PatchMatch afterwards sees the strokes already filled instead of the removed content.
 */
export async function removeMaskedArea(request: RemovalRequest): Promise<RemovalResult> {
  const { image, pool, signal } = request;
  const { width, height, channels } = image;
  const warnings: Warning[] = [];
  let plan = await planFor(request, dilationRadius);
  if (!plan.result.hasSurroundings) {
    // Dilation swallowed the last kept pixels; fill from the original mask's border instead.
    plan = await planFor(request, 0);
    if (!plan.result.hasSurroundings) {
      throw new GatewayError('parameter_invalid', {
        parameter: 'mask',
        expected: 'a mask that leaves part of the image unselected to fill the rest from',
        received: 'a mask that selects every pixel',
      });
    }
  }
  const { box: planBox, result } = plan;
  const filled = Uint8Array.from(image.data);
  const methods: RemovalResult['methods'] = [];

  if (result.hasThin) {
    signal?.throwIfAborted();
    await runTelea(filled, width, height, channels, planBox, result.regions, (value) => (value === region.thin ? teleaRegion.fill : value === region.keep ? teleaRegion.known : teleaRegion.unavailable), pool, signal);
    methods.push('telea');
  }
  if (result.groups.length > 0) {
    const seeds = createSeededRandom(request.seed);
    const groupSeeds = result.groups.map(() => seeds.nextSeed());
    let fellBack = false;
    // Group crops do not overlap, so they run in parallel and paste back in any order with the same bytes.
    await Promise.all(
      result.groups.map(async (group, index) => {
        const crop = group.crop;
        const hole = planeInCrop(crop, planBox, result.regions, (value) => value === region.thick);
        const excluded = planeInCrop(crop, planBox, result.regions, (value) => value === region.thick || value === region.thickRing);
        const pixels = await patchMatchFill({ image: cropPixels(filled, width, channels, crop), hole: Uint8Array.from(hole), excluded, width: crop.width, height: crop.height, channels, holeRadius: group.holeRadius, seed: groupSeeds[index], pool, signal });
        if (pixels) {
          writeBack(filled, width, channels, pixels, crop, hole);
          return;
        }
        fellBack = true;
        await runTelea(filled, width, height, channels, crop, excluded, (value) => (value === 1 ? teleaRegion.fill : teleaRegion.known), pool, signal);
      }),
    );
    if (fellBack) {
      warnings.push({ type: 'other', feature: 'mask', details: 'Part of the masked area is large compared with the image around it, so it was filled smoothly (Telea) instead of with copied texture (PatchMatch).' });
      if (!methods.includes('telea')) methods.push('telea');
    }
    if (!fellBack || result.groups.length > 1) methods.push('patchmatch');
  }
  return { filled, methods, warnings };
}

async function planFor(request: RemovalRequest, dilation: number): Promise<{ box: PixelBox; result: RemovalPlan }> {
  const { image, mask, bounds } = request;
  const box = expandBox(bounds, dilation + 1, image.width, image.height);
  const input: RemovalPlanInput = { mask: cropPixels(mask, image.width, 1, box), box, imageWidth: image.width, imageHeight: image.height, dilationRadius: dilation, thinRadiusLimit };
  const result = await request.pool.run<RemovalPlan>({ module: 'inpaint/removal-plan.ts', exportName: 'planRemoval', input }, request.signal);
  return { box, result };
}

/** A plane over `crop`, set where the plan's region (which covers `planBox`) passes `test`. */
function planeInCrop(crop: PixelBox, planBox: PixelBox, regions: Uint8Array, test: (value: number) => boolean): Uint8Array {
  const hole = new Uint8Array(crop.width * crop.height);
  const top = Math.max(crop.top, planBox.top);
  const bottom = Math.min(crop.top + crop.height, planBox.top + planBox.height);
  const left = Math.max(crop.left, planBox.left);
  const right = Math.min(crop.left + crop.width, planBox.left + planBox.width);
  for (let y = top; y < bottom; y++) {
    for (let x = left; x < right; x++) {
      if (test(regions[(y - planBox.top) * planBox.width + (x - planBox.left)])) hole[(y - crop.top) * crop.width + (x - crop.left)] = 1;
    }
  }
  return hole;
}

/**
 * Runs Telea on `area` (grown by ε so every filled pixel sees its neighbourhood) and writes the filled pixels back.
 * @param regionOf maps a value of `regions` (which covers `area`) to a Telea region
 */
async function runTelea(
  filled: Uint8Array,
  width: number,
  height: number,
  channels: number,
  area: PixelBox,
  regions: Uint8Array,
  regionOf: (value: number) => number,
  pool: WorkerPool,
  signal: AbortSignal | undefined,
): Promise<void> {
  const crop = expandBox(area, teleaRadius + 1, width, height);
  const teleaRegions = new Uint8Array(crop.width * crop.height);
  for (let y = area.top; y < area.top + area.height; y++) {
    for (let x = area.left; x < area.left + area.width; x++) {
      teleaRegions[(y - crop.top) * crop.width + (x - crop.left)] = regionOf(regions[(y - area.top) * area.width + (x - area.left)]);
    }
  }
  const fillPlane = Uint8Array.from(teleaRegions, (value) => (value === teleaRegion.fill ? 1 : 0));
  const input: TeleaInput = { image: cropPixels(filled, width, channels, crop), width: crop.width, height: crop.height, channels, regions: teleaRegions, radius: teleaRadius };
  const output = await pool.run<{ image: Uint8Array }>({ module: 'inpaint/telea.ts', exportName: 'teleaInpaint', input }, signal);
  writeBack(filled, width, channels, output.image, crop, fillPlane);
}

/** Copies the pixels of `crop` where `plane` is set into the full-size image. */
function writeBack(target: Uint8Array, width: number, channels: number, pixels: Uint8Array, crop: PixelBox, plane: Uint8Array): void {
  for (let row = 0; row < crop.height; row++) {
    for (let column = 0; column < crop.width; column++) {
      const local = row * crop.width + column;
      if (plane[local] === 0) continue;
      const to = ((crop.top + row) * width + crop.left + column) * channels;
      const from = local * channels;
      for (let channel = 0; channel < channels; channel++) target[to + channel] = pixels[from + channel];
    }
  }
}
