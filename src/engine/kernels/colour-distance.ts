/**
 * Squared colour distance used to build and apply palettes: luma difference plus chroma (B − Y, R − Y) differences
 * weighted ×2, so a small olive-green eye in an orange cat stays green instead of merging into the dominant hue
 * (plain RGB distance favours brightness over hue).
 */
export function paletteDistance(red: number, green: number, blue: number, otherRed: number, otherGreen: number, otherBlue: number): number {
  const deltaRed = red - otherRed;
  const deltaGreen = green - otherGreen;
  const deltaBlue = blue - otherBlue;
  const deltaLuma = 0.299 * deltaRed + 0.587 * deltaGreen + 0.114 * deltaBlue;
  const deltaBlueChroma = deltaBlue - deltaLuma;
  const deltaRedChroma = deltaRed - deltaLuma;
  return deltaLuma * deltaLuma + 2 * (deltaBlueChroma * deltaBlueChroma + deltaRedChroma * deltaRedChroma);
}
