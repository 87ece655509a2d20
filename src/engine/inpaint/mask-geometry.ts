import { squaredDistanceToFeatures } from './distance-transform.ts';

/**
 * Rectangles, crops and binary-mask operations shared by the inpainting modes. Every mode works on the smallest
 * rectangle that holds the mask (plus the context it needs), never on the whole image, so a small mask on a large
 * image stays cheap.
 */

/** A rectangle in pixels; same field names as sharp's `extract` region. */
export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Pixels at or above this value edit; the canonical mask holds only 0 and 255, so any midpoint works. */
export const editThreshold = 128;

/**
 * The bounding box of the mask's edit pixels, or `undefined` when none is set.
 * @param mask `width * height` bytes, values ≥ {@link editThreshold} edit
 */
export function findMaskBounds(mask: Uint8Array, width: number, height: number): PixelBox | undefined {
  let left = width;
  let right = -1;
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const rowStart = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (mask[rowStart + x] >= editThreshold) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (top < 0) top = y;
    bottom = y;
    if (first < left) left = first;
    if (last > right) right = last;
  }
  if (top < 0) return undefined;
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** Grows `box` by `margin` on every side, cut to the image. */
export function expandBox(box: PixelBox, margin: number, imageWidth: number, imageHeight: number): PixelBox {
  const left = Math.max(0, box.left - margin);
  const top = Math.max(0, box.top - margin);
  const right = Math.min(imageWidth, box.left + box.width + margin);
  const bottom = Math.min(imageHeight, box.top + box.height + margin);
  return { left, top, width: right - left, height: bottom - top };
}

/** True when the two rectangles share at least one pixel. */
export function boxesOverlap(first: PixelBox, second: PixelBox): boolean {
  return first.left < second.left + second.width && second.left < first.left + first.width && first.top < second.top + second.height && second.top < first.top + first.height;
}

/** The smallest rectangle holding both. */
export function unionBox(first: PixelBox, second: PixelBox): PixelBox {
  const left = Math.min(first.left, second.left);
  const top = Math.min(first.top, second.top);
  const right = Math.max(first.left + first.width, second.left + second.width);
  const bottom = Math.max(first.top + first.height, second.top + second.height);
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * Copies a rectangle out of an interleaved image or plane into its own buffer (so it can be transferred to a worker
 * while the original stays intact).
 */
export function cropPixels(data: Uint8Array, imageWidth: number, channels: number, box: PixelBox): Uint8Array {
  const crop = new Uint8Array(box.width * box.height * channels);
  const rowBytes = box.width * channels;
  for (let row = 0; row < box.height; row++) {
    const from = ((box.top + row) * imageWidth + box.left) * channels;
    crop.set(data.subarray(from, from + rowBytes), row * rowBytes);
  }
  return crop;
}

/**
 * Writes the pixels of `crop` (which covers `box`) into `target`, but only where the full-size `mask` edits: this is
 * the single place that decides which output pixels may differ from the input.
 */
export function pasteInsideMask(target: Uint8Array, imageWidth: number, channels: number, crop: Uint8Array, box: PixelBox, mask: Uint8Array): void {
  for (let row = 0; row < box.height; row++) {
    const maskRow = (box.top + row) * imageWidth + box.left;
    for (let column = 0; column < box.width; column++) {
      if (mask[maskRow + column] < editThreshold) continue;
      const to = (maskRow + column) * channels;
      const from = (row * box.width + column) * channels;
      for (let channel = 0; channel < channels; channel++) target[to + channel] = crop[from + channel];
    }
  }
}

/**
 * Disc dilation of a binary plane (non-zero = set) by `radius` pixels, computed exactly with a distance transform.
 * @returns a new plane, 1 = set
 */
export function dilateBinary(plane: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const squared = squaredDistanceToFeatures(plane, width, height);
  const limit = radius * radius;
  const dilated = new Uint8Array(width * height);
  for (let index = 0; index < dilated.length; index++) dilated[index] = squared[index] <= limit ? 1 : 0;
  return dilated;
}

/** One 8-connected group of set pixels. */
export interface MaskComponent {
  /** Label written into the label plane (1-based). */
  label: number;
  box: PixelBox;
  pixelCount: number;
}

/**
 * Labels the 8-connected components of a binary plane.
 * @returns a label per pixel (0 = not set) and one entry per component, in scan order
 */
export function labelComponents(plane: Uint8Array, width: number, height: number): { labels: Int32Array; components: MaskComponent[] } {
  const labels = new Int32Array(width * height);
  const components: MaskComponent[] = [];
  const stack = new Int32Array(width * height);
  for (let start = 0; start < plane.length; start++) {
    if (plane[start] === 0 || labels[start] !== 0) continue;
    const label = components.length + 1;
    let left = width;
    let right = -1;
    let top = height;
    let bottom = -1;
    let pixelCount = 0;
    let stackSize = 0;
    stack[stackSize++] = start;
    labels[start] = label;
    while (stackSize > 0) {
      const index = stack[--stackSize];
      const x = index % width;
      const y = (index - x) / width;
      pixelCount++;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
      for (let dy = -1; dy <= 1; dy++) {
        const neighbourY = y + dy;
        if (neighbourY < 0 || neighbourY >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const neighbourX = x + dx;
          if (neighbourX < 0 || neighbourX >= width) continue;
          const neighbour = neighbourY * width + neighbourX;
          if (plane[neighbour] !== 0 && labels[neighbour] === 0) {
            labels[neighbour] = label;
            stack[stackSize++] = neighbour;
          }
        }
      }
    }
    components.push({ label, box: { left, top, width: right - left + 1, height: bottom - top + 1 }, pixelCount });
  }
  return { labels, components };
}
