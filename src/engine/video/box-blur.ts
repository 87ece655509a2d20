/**
 * A separable box blur of a single-channel float plane with running sums: the cost does not depend on the radius.
 * Edges repeat the border value. Used to feather masks; three passes approximate a Gaussian.
 */
export function boxBlurPlane(plane: Float32Array, width: number, height: number, radius: number, passes = 1): Float32Array {
  if (radius < 1) return plane;
  let current = plane;
  const scratch = new Float32Array(plane.length);
  for (let pass = 0; pass < passes; pass++) {
    blurLines(current, scratch, width, height, 1, width, radius);
    const next = new Float32Array(plane.length);
    blurLines(scratch, next, height, width, width, 1, radius);
    current = next;
  }
  return current;
}

/**
 * Blurs `lineCount` lines of `length` samples, `step` apart within a line and `lineStride` apart between lines
 * (rows: step 1, stride width; columns: step width, stride 1).
 */
function blurLines(input: Float32Array, output: Float32Array, length: number, lineCount: number, step: number, lineStride: number, radius: number): void {
  const window = 2 * radius + 1;
  for (let line = 0; line < lineCount; line++) {
    const base = line * lineStride;
    const sampleAt = (index: number) => input[base + Math.min(length - 1, Math.max(0, index)) * step];
    let sum = 0;
    for (let index = -radius; index <= radius; index++) sum += sampleAt(index);
    for (let index = 0; index < length; index++) {
      output[base + index * step] = sum / window;
      sum += sampleAt(index + radius + 1) - sampleAt(index - radius);
    }
  }
}
