import sharp from 'sharp';

/**
 * A JPEG of noise within `tolerance` (a fraction) of `targetBytes`: noise does not compress, so the size is what a
 * real photo of that size costs to move. 5:4, at most 4096 px a side (DashScope's input limit).
 */
export async function noiseJpeg(targetBytes: number, tolerance: number): Promise<{ bytes: Buffer; width: number; height: number }> {
  let side = Math.round(Math.sqrt(targetBytes / 0.9));
  for (;;) {
    const width = Math.min(4096, Math.round(side * 1.25));
    const height = Math.min(4096, side);
    const pixels = Buffer.alloc(width * height * 3);
    for (let index = 0; index < pixels.length; index += 1) pixels[index] = ((index * 2654435761) >>> 24) ^ (index >>> 7);
    const bytes = await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
    if (Math.abs(bytes.length - targetBytes) / targetBytes < tolerance || side > 4000) return { bytes, width, height };
    side = Math.round(side * Math.sqrt(targetBytes / bytes.length));
  }
}
