/** Weight of chroma against luma in {@link paletteDistance}. */
export const chromaWeight = 3;

/**
 * Squared colour distance used to build and apply palettes: luma difference plus chroma (B − Y, R − Y) differences
 * weighted ×3, so a small olive-green eye in an orange cat stays green instead of merging into the dominant hue
 * (plain RGB distance favours brightness over hue).
 */
export function paletteDistance(red: number, green: number, blue: number, otherRed: number, otherGreen: number, otherBlue: number): number {
  const deltaRed = red - otherRed;
  const deltaGreen = green - otherGreen;
  const deltaBlue = blue - otherBlue;
  const deltaLuma = 0.299 * deltaRed + 0.587 * deltaGreen + 0.114 * deltaBlue;
  const deltaBlueChroma = deltaBlue - deltaLuma;
  const deltaRedChroma = deltaRed - deltaLuma;
  return deltaLuma * deltaLuma + chromaWeight * (deltaBlueChroma * deltaBlueChroma + deltaRedChroma * deltaRedChroma);
}

/** Luma and the two chroma differences of an RGB colour: the coordinates in which {@link paletteDistance} is Euclidean (chroma scaled by √weight). */
export function toPaletteSpace(red: number, green: number, blue: number, into: Float64Array, at: number): void {
  const luma = 0.299 * red + 0.587 * green + 0.114 * blue;
  const scale = Math.sqrt(chromaWeight);
  into[at] = luma;
  into[at + 1] = (blue - luma) * scale;
  into[at + 2] = (red - luma) * scale;
}
