/** Input of {@link estimateBackgroundMatte}: a small RGB copy of the image (≤ ~128 px on the long side). */
export interface BackgroundMatteInput {
  image: Uint8Array;
  width: number;
  height: number;
}

/**
 * A rough "how much is this background / sky" matte (0–255 per pixel of the small image) without segmentation:
 * high near the top, in bright low-saturation or blue areas (sky, walls, haze), in smooth areas (out-of-focus
 * backgrounds) and away from the centre (where subjects are usually framed). The four cues are averaged and then
 * stretched between the image's own 10th and 90th percentiles, so every image gets both a foreground and a
 * background. GrabCut would be better but costs seconds per megapixel (engine notes §5).
 */
export function estimateBackgroundMatte(input: BackgroundMatteInput): { data: Uint8Array } {
  const { image, width, height } = input;
  const pixelCount = width * height;
  const luminance = new Float32Array(pixelCount);
  for (let pixel = 0; pixel < pixelCount; pixel++) {
    luminance[pixel] = (0.2126 * image[pixel * 3] + 0.7152 * image[pixel * 3 + 1] + 0.0722 * image[pixel * 3 + 2]) / 255;
  }
  const score = new Float32Array(pixelCount);
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
      const top = Math.pow(1 - y / Math.max(1, height - 1), 1.3);
      const centreX = (x + 0.5) / width - 0.5;
      const centreY = (y + 0.5) / height - 0.45;
      const offCentre = Math.min(1, Math.hypot(centreX * 1.2, centreY) * 2.2);
      score[pixel] = 0.32 * top + 0.28 * sky + 0.18 * smooth + 0.22 * offCentre;
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
  return { data: matte };
}
