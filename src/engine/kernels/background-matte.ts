/** Input of {@link estimateBackgroundMatte}: a small RGB copy of the image (≤ ~128 px on the long side). */
export interface BackgroundMatteInput {
  image: Uint8Array;
  width: number;
  height: number;
}

/**
 * Two rough maps of the small image, without segmentation (GrabCut would be better but costs seconds per
 * megapixel, engine notes §5):
 * - `data`, "how much is this background": high near the top, in sky-like areas of the upper part (bright and
 *   colourless, or blue), in smooth areas (out-of-focus backgrounds) and away from the centre (where subjects are
 *   usually framed); stretched between the image's own 10th and 90th percentiles, so every image has both a
 *   foreground and a background;
 * - `sky`, "is this open sky": sky-like colour × smoothness × upper part of the frame, unstretched, so an image
 *   without sky gets no stars or moon.
 * A bright white cup in the middle of the frame is subject, not sky: the colour cue only counts near the top.
 */
export function estimateBackgroundMatte(input: BackgroundMatteInput): { data: Uint8Array; sky: Uint8Array } {
  const { image, width, height } = input;
  const pixelCount = width * height;
  const luminance = new Float32Array(pixelCount);
  for (let pixel = 0; pixel < pixelCount; pixel++) {
    luminance[pixel] = (0.2126 * image[pixel * 3] + 0.7152 * image[pixel * 3 + 1] + 0.0722 * image[pixel * 3 + 2]) / 255;
  }
  const score = new Float32Array(pixelCount);
  const skyMap = new Uint8Array(pixelCount);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const pixel = y * width + x;
      const red = image[pixel * 3], green = image[pixel * 3 + 1], blue = image[pixel * 3 + 2];
      const maximum = Math.max(red, green, blue);
      const saturation = maximum === 0 ? 0 : (maximum - Math.min(red, green, blue)) / maximum;
      const pale = luminance[pixel] * (1 - saturation) * (1 - saturation);
      const bluish = Math.max(0, Math.min(1, (blue - Math.max(red, green * 0.9)) / 60));
      const sky = Math.min(1, Math.max(pale * 1.3, bluish));
      let mean = 0, squares = 0, count = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const sampleX = Math.min(width - 1, Math.max(0, x + dx));
          const sampleY = Math.min(height - 1, Math.max(0, y + dy));
          const value = luminance[sampleY * width + sampleX];
          mean += value; squares += value * value; count++;
        }
      }
      mean /= count;
      const deviation = Math.sqrt(Math.max(0, squares / count - mean * mean));
      const smooth = 1 - Math.min(1, deviation * 12);
      const verticalPosition = y / Math.max(1, height - 1);
      const top = Math.pow(1 - verticalPosition, 1.3);
      const upperPart = Math.max(0, Math.min(1, 1.5 - verticalPosition * 2.2));
      const centreX = (x + 0.5) / width - 0.5;
      const centreY = (y + 0.5) / height - 0.45;
      const offCentre = Math.min(1, Math.hypot(centreX * 1.2, centreY) * 2.2);
      score[pixel] = 0.3 * top + 0.25 * sky * upperPart + 0.15 * smooth + 0.3 * offCentre;
      skyMap[pixel] = Math.round(255 * Math.min(1, sky * 1.4) * smooth * upperPart);
    }
  }
  const sorted = Float32Array.from(score).sort();
  const low = sorted[Math.floor(pixelCount * 0.1)];
  const high = sorted[Math.min(pixelCount - 1, Math.floor(pixelCount * 0.9))];
  const span = Math.max(0.05, high - low);
  const matte = new Uint8Array(pixelCount);
  for (let pixel = 0; pixel < pixelCount; pixel++) {
    const stretched = (score[pixel] - low) / span;
    matte[pixel] = Math.round(255 * Math.min(1, Math.max(0, stretched)));
  }
  return { data: matte, sky: skyMap };
}
