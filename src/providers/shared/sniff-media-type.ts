/**
 * Identifies a result file from its first bytes, never from the provider's Content-Type or the URL: PNG, JPEG,
 * WebP, GIF, BMP, TIFF, AVIF (images) and MP4/MOV, WebM (videos). Undefined for anything else.
 */
export function sniffMediaType(bytes: Buffer): string | undefined {
  const startsWith = (signature: readonly number[], offset = 0) =>
    bytes.length >= offset + signature.length && signature.every((byte, index) => bytes[offset + index] === byte);
  if (startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith([0x52, 0x49, 0x46, 0x46]) && startsWith([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (startsWith([0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  if (startsWith([0x42, 0x4d]) && bytes.length >= 26) return 'image/bmp';
  if (startsWith([0x49, 0x49, 0x2a, 0x00]) || startsWith([0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (startsWith([0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (startsWith([0x66, 0x74, 0x79, 0x70], 4)) {
    const brand = bytes.subarray(8, 12).toString('latin1');
    if (brand === 'avif' || brand === 'avis') return 'image/avif';
    if (brand === 'qt  ') return 'video/quicktime';
    return 'video/mp4';
  }
  return undefined;
}

/** The broad kind of a media type: `image` or `video`. */
export function mediaKind(mediaType: string): 'image' | 'video' {
  return mediaType.startsWith('video/') ? 'video' : 'image';
}
