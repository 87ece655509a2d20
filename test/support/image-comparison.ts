import sharp from 'sharp';

/** Mean absolute difference per channel (0–255) between two images after bringing both to `size`×`size` RGB. */
export async function meanAbsoluteDifference(first: Buffer, second: Buffer, size = 128): Promise<number> {
  const [a, b] = await Promise.all([first, second].map((image) => sharp(image).removeAlpha().resize(size, size, { fit: 'fill' }).raw().toBuffer()));
  let total = 0;
  for (let index = 0; index < a.length; index++) total += Math.abs(a[index] - b[index]);
  return total / a.length;
}
