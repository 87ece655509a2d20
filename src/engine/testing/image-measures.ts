import type { RawImage } from '../raw-image.ts';

/**
 * Image statistics the quality tests assert on. Each is a plain, well-known measure so a failing test says what is
 * missing (e.g. "local contrast did not rise" for more-details).
 */

/** A rectangular region; defaults to the whole image. */
export interface Region { left: number; top: number; width: number; height: number }

function wholeImage(image: RawImage): Region {
  return { left: 0, top: 0, width: image.width, height: image.height };
}

function forEachPixel(image: RawImage, region: Region, visit: (red: number, green: number, blue: number, x: number, y: number) => void): void {
  for (let y = region.top; y < region.top + region.height; y++) {
    for (let x = region.left; x < region.left + region.width; x++) {
      const at = (y * image.width + x) * image.channels;
      visit(image.data[at], image.data[at + 1], image.data[at + 2], x, y);
    }
  }
}

/** Rec. 709 luminance 0–255 of one pixel. */
export function luminanceAt(image: RawImage, x: number, y: number): number {
  const at = (y * image.width + x) * image.channels;
  return 0.2126 * image.data[at] + 0.7152 * image.data[at + 1] + 0.0722 * image.data[at + 2];
}

export function meanLuminance(image: RawImage, region = wholeImage(image)): number {
  let total = 0;
  forEachPixel(image, region, (red, green, blue) => { total += 0.2126 * red + 0.7152 * green + 0.0722 * blue; });
  return total / (region.width * region.height);
}

/** Mean HSV saturation (0–1). */
export function meanSaturation(image: RawImage, region = wholeImage(image)): number {
  let total = 0;
  forEachPixel(image, region, (red, green, blue) => {
    const maximum = Math.max(red, green, blue);
    total += maximum === 0 ? 0 : (maximum - Math.min(red, green, blue)) / maximum;
  });
  return total / (region.width * region.height);
}

/** Mean of each channel. */
export function meanChannels(image: RawImage, region = wholeImage(image)): [number, number, number] {
  const sums = [0, 0, 0];
  forEachPixel(image, region, (red, green, blue) => { sums[0] += red; sums[1] += green; sums[2] += blue; });
  const count = region.width * region.height;
  return [sums[0] / count, sums[1] / count, sums[2] / count];
}

/** Number of distinct RGB colours. */
export function distinctColours(image: RawImage, region = wholeImage(image)): number {
  const seen = new Set<number>();
  forEachPixel(image, region, (red, green, blue) => { seen.add((red << 16) | (green << 8) | blue); });
  return seen.size;
}

/** Mean absolute 4-neighbour Laplacian of luminance: local contrast / fine detail. */
export function localContrast(image: RawImage, region = wholeImage(image)): number {
  let total = 0;
  let count = 0;
  for (let y = Math.max(1, region.top); y < Math.min(image.height - 1, region.top + region.height); y++) {
    for (let x = Math.max(1, region.left); x < Math.min(image.width - 1, region.left + region.width); x++) {
      const centre = luminanceAt(image, x, y);
      total += Math.abs(4 * centre - luminanceAt(image, x - 1, y) - luminanceAt(image, x + 1, y) - luminanceAt(image, x, y - 1) - luminanceAt(image, x, y + 1));
      count++;
    }
  }
  return total / count;
}

/** Standard deviation of luminance. */
export function luminanceDeviation(image: RawImage, region = wholeImage(image)): number {
  const mean = meanLuminance(image, region);
  let total = 0;
  forEachPixel(image, region, (red, green, blue) => {
    const difference = 0.2126 * red + 0.7152 * green + 0.0722 * blue - mean;
    total += difference * difference;
  });
  return Math.sqrt(total / (region.width * region.height));
}

/** Fraction of pixels whose luminance gradient (central differences) exceeds `threshold`: edge density. */
export function edgeDensity(image: RawImage, threshold: number, region = wholeImage(image)): number {
  let edges = 0;
  let count = 0;
  for (let y = Math.max(1, region.top); y < Math.min(image.height - 1, region.top + region.height); y++) {
    for (let x = Math.max(1, region.left); x < Math.min(image.width - 1, region.left + region.width); x++) {
      const gradient = Math.hypot(luminanceAt(image, x + 1, y) - luminanceAt(image, x - 1, y), luminanceAt(image, x, y + 1) - luminanceAt(image, x, y - 1));
      if (gradient > threshold) edges++;
      count++;
    }
  }
  return edges / count;
}

/** Mean absolute per-channel difference between two same-sized images. */
export function meanAbsoluteDifference(first: RawImage, second: RawImage): number {
  if (first.width !== second.width || first.height !== second.height || first.channels !== second.channels) {
    throw new RangeError('images differ in size or channels');
  }
  let total = 0;
  for (let index = 0; index < first.data.length; index++) total += Math.abs(first.data[index] - second.data[index]);
  return total / first.data.length;
}

/** Luminance at a quantile (0–1) over the region. */
export function luminanceQuantile(image: RawImage, quantile: number, region = wholeImage(image)): number {
  const values: number[] = [];
  forEachPixel(image, region, (red, green, blue) => values.push(0.2126 * red + 0.7152 * green + 0.0722 * blue));
  values.sort((first, second) => first - second);
  return values[Math.min(values.length - 1, Math.floor(quantile * values.length))];
}
