import { squaredDistanceToFeatures } from './distance-transform.ts';
import { boxesOverlap, dilateBinary, editThreshold, expandBox, labelComponents, unionBox, type PixelBox } from './mask-geometry.ts';

/**
 * Decides, per connected part of a mask, how to fill it: thin parts (strokes, wires, text, blemishes) with Telea's
 * fast marching, which is fast and smooth but smears anything wide; thick parts (objects) with multi-scale PatchMatch,
 * which synthesises texture. Runs on a worker (`inpaint/removal-plan.ts`, `planRemoval`).
 */

/**
 * Region codes in {@link RemovalPlan.regions}. Thin parts are filled with their dilation (Telea propagates border
 * colours inwards, so the object's soft edge must not be the border). Thick parts are filled only where the user's
 * mask is: the dilation ring around them is kept as a boundary condition (the output keeps those pixels anyway, so
 * matching them avoids a seam) but is never copied from.
 */
export const region = { keep: 0, thin: 1, thickRing: 2, thick: 3 } as const;

export interface RemovalPlanInput {
  /** The user's mask cut to `box` (values ≥ 128 edit). */
  mask: Uint8Array;
  /** Where the cut lies in the image; it must hold the mask's bounds grown by `dilationRadius + 1`. */
  box: PixelBox;
  imageWidth: number;
  imageHeight: number;
  /** Pixels added around the mask so an object's soft edge is not copied back into the hole. */
  dilationRadius: number;
  /** Largest inscribed radius (pixels) still treated as a thin stroke. */
  thinRadiusLimit: number;
}

/** A set of thick parts filled together by one PatchMatch run, on one crop of the image. */
export interface PatchMatchGroup {
  /** The crop in image coordinates: the parts' bounds plus the context PatchMatch copies texture from. */
  crop: PixelBox;
  /** Largest inscribed radius of the dilated parts (pixels): decides the pyramid depth. */
  holeRadius: number;
}

export interface RemovalPlan {
  /** Over `box`: a {@link region} code per pixel. */
  regions: Uint8Array;
  hasThin: boolean;
  groups: PatchMatchGroup[];
  /** False when dilation covers every pixel of the image: there is nothing to fill from. */
  hasSurroundings: boolean;
}

/** Kernel: classifies the mask's parts and groups the thick ones into non-overlapping PatchMatch crops. */
export function planRemoval(input: RemovalPlanInput): RemovalPlan {
  const { box, dilationRadius } = input;
  const { width, height } = box;
  const selected = new Uint8Array(width * height);
  const keep = new Uint8Array(width * height);
  for (let index = 0; index < selected.length; index++) {
    const edits = input.mask[index] >= editThreshold;
    selected[index] = edits ? 1 : 0;
    keep[index] = edits ? 0 : 1;
  }
  // Distance from each mask pixel to the nearest kept pixel = radius of the largest disc centred there that fits.
  // Pixels beyond the crop are not kept ones, so a mask touching the image border is not mistaken for a thin one.
  const inscribed = squaredDistanceToFeatures(keep, width, height);
  const dilated = dilateBinary(selected, width, height, dilationRadius);
  const { labels, components } = labelComponents(dilated, width, height);

  const radiusByLabel = new Float64Array(components.length + 1);
  for (let index = 0; index < labels.length; index++) {
    if (selected[index] === 0) continue;
    const squared = inscribed[index];
    if (squared > radiusByLabel[labels[index]]) radiusByLabel[labels[index]] = squared;
  }
  const thinLimitSquared = input.thinRadiusLimit * input.thinRadiusLimit;
  const regions = new Uint8Array(width * height);
  let hasThin = false;
  let dilatedCount = 0;
  for (let index = 0; index < labels.length; index++) {
    const label = labels[index];
    if (label === 0) continue;
    dilatedCount++;
    const thin = radiusByLabel[label] <= thinLimitSquared;
    regions[index] = thin ? region.thin : selected[index] === 1 ? region.thick : region.thickRing;
    if (thin) hasThin = true;
  }

  let groups: PatchMatchGroup[] = [];
  for (const component of components) {
    const squared = radiusByLabel[component.label];
    if (squared <= thinLimitSquared) continue;
    const bounds: PixelBox = { left: component.box.left + box.left, top: component.box.top + box.top, width: component.box.width, height: component.box.height };
    // Context around the hole for PatchMatch to copy from: as wide as the hole, at least 48 px (a few 7×7 patches at
    // the coarsest level). Searching the whole image would cost time and pick textures from unrelated areas.
    const context = Math.max(48, Math.max(bounds.width, bounds.height));
    groups.push({ crop: expandBox(bounds, context, input.imageWidth, input.imageHeight), holeRadius: Math.sqrt(squared) + dilationRadius });
  }
  groups = mergeOverlappingGroups(groups);
  const hasSurroundings = dilatedCount < input.imageWidth * input.imageHeight;
  return { regions, hasThin, groups, hasSurroundings };
}

/** Unites crops that overlap until none do, so groups can be filled in parallel and pasted in any order. */
function mergeOverlappingGroups(groups: PatchMatchGroup[]): PatchMatchGroup[] {
  const merged = [...groups];
  let changed = true;
  while (changed) {
    changed = false;
    for (let first = 0; first < merged.length && !changed; first++) {
      for (let second = first + 1; second < merged.length; second++) {
        if (!boxesOverlap(merged[first].crop, merged[second].crop)) continue;
        merged[first] = { crop: unionBox(merged[first].crop, merged[second].crop), holeRadius: Math.max(merged[first].holeRadius, merged[second].holeRadius) };
        merged.splice(second, 1);
        changed = true;
        break;
      }
    }
  }
  return merged;
}
