/**
 * Filter sizes scale with the image so a recipe looks the same on a 450 px preview and a 4000 px photo. Measured on
 * the shorter side: 1000 px → 1.
 */
export function scaleOf(width: number, height: number): number {
  return Math.min(width, height) / 1000;
}

/** A size in pixels for the given image: `perThousand` pixels per 1000 px of shorter side, never below `minimum`. */
export function scaledSize(width: number, height: number, perThousand: number, minimum: number): number {
  return Math.max(minimum, perThousand * scaleOf(width, height));
}
