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
/** Thin strokes are split into this many row bands filled in parallel. */
const teleaBandCount = 2;

const thinToTelea = (value: number): number => (value === region.thin ? teleaRegion.fill : value === region.keep ? teleaRegion.known : teleaRegion.unavailable);

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
    // Two bands of rows, filled in parallel; each treats the other's strokes as unavailable. Always two (not the pool
    // size), so the bytes do not depend on the machine's core count.
    const bands = splitRowsEvenly(result.regions, planBox, teleaBandCount);
    await Promise.all(
      bands.map((band) => {
        const area: PixelBox = { left: planBox.left, top: planBox.top + band.start, width: planBox.width, height: band.end - band.start };
        const regions = result.regions.subarray(band.start * planBox.width, band.end * planBox.width);
        return runTelea(filled, width, height, channels, area, regions, thinToTelea, pool, signal, planBox, result.regions);
      }),
    );
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

/** A plane over `crop`, `value` where the plan's region (which covers `planBox`) passes `test`, else 0. */
function planeInCrop(crop: PixelBox, planBox: PixelBox, regions: Uint8Array, test: (value: number) => boolean, value = 1): Uint8Array {
  const hole = new Uint8Array(crop.width * crop.height);
  const top = Math.max(crop.top, planBox.top);
  const bottom = Math.min(crop.top + crop.height, planBox.top + planBox.height);
  const left = Math.max(crop.left, planBox.left);
  const right = Math.min(crop.left + crop.width, planBox.left + planBox.width);
  for (let y = top; y < bottom; y++) {
    for (let x = left; x < right; x++) {
      if (test(regions[(y - planBox.top) * planBox.width + (x - planBox.left)])) hole[(y - crop.top) * crop.width + (x - crop.left)] = value;
    }
  }
  return hole;
}

/**
 * Runs Telea on `area` (grown by ε so every filled pixel sees its neighbourhood) and writes the filled pixels back.
 * @param regions covers `area`; `regionOf` maps its values to Telea regions
 * @param context optional wider plan (covering `contextBox`) for the margin around `area`: there, anything Telea would
 *   fill elsewhere is unavailable rather than known, so strokes of another band are never read as colour
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
  contextBox?: PixelBox,
  context?: Uint8Array,
): Promise<void> {
  const crop = expandBox(area, teleaRadius + 1, width, height);
  const teleaRegions = contextBox && context
    ? planeInCrop(crop, contextBox, context, (value) => value !== region.keep, teleaRegion.unavailable)
    : new Uint8Array(crop.width * crop.height);
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

/**
 * Splits the rows of `box` into `count` bands holding about the same number of thin pixels, cutting preferably
 * through rows with few of them (gaps between strokes).
 */
function splitRowsEvenly(regions: Uint8Array, box: PixelBox, count: number): { start: number; end: number }[] {
  const perRow = new Float64Array(box.height);
  let total = 0;
  for (let row = 0; row < box.height; row++) {
    for (let column = 0; column < box.width; column++) if (regions[row * box.width + column] === region.thin) perRow[row]++;
    total += perRow[row];
  }
  const cuts: number[] = [];
  let seen = 0;
  let row = 0;
  for (let band = 1; band < count; band++) {
    const wanted = (total * band) / count;
    while (row < box.height && seen + perRow[row] <= wanted) seen += perRow[row++];
    // Look a little either side for the emptiest row to cut at.
    const reach = Math.floor(box.height / (4 * count));
    let best = row;
    for (let candidate = Math.max(1, row - reach); candidate <= Math.min(box.height - 1, row + reach); candidate++) if (perRow[candidate] < perRow[best]) best = candidate;
    cuts.push(Math.max(cuts[cuts.length - 1] ?? 0, best));
  }
  const bounds = [0, ...cuts, box.height];
  const bands: { start: number; end: number }[] = [];
  for (let index = 0; index + 1 < bounds.length; index++) if (bounds[index + 1] > bounds[index]) bands.push({ start: bounds[index], end: bounds[index + 1] });
  return bands;
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
