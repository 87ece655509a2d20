/** Image formats recognised from their first bytes, never from a file name or a declared MIME type. */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'bmp' | 'tiff' | 'gif' | 'avif';

export const mediaTypeByFormat: Readonly<Record<ImageFormat, string>> = {
  png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', bmp: 'image/bmp',
  tiff: 'image/tiff', gif: 'image/gif', avif: 'image/avif',
};

/** Bytes needed by `sniffImageFormat`. */
export const sniffLength = 32;

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((value, index) => bytes[offset + index] === value);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

/** Returns the format of an encoded image from its magic bytes, or undefined when it is none we decode. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 26) return 'bmp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 4, 4) === 'ftyp' && ['avif', 'avis'].includes(ascii(bytes, 8, 4))) return 'avif';
  return undefined;
}

/** A short, safe description of unknown leading bytes for error messages (hex, never the content itself). */
export function describeLeadingBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'it is empty';
  const hex = Array.from(bytes.subarray(0, 8), (value) => value.toString(16).padStart(2, '0')).join(' ');
  return `it starts with bytes ${hex}`;
}
