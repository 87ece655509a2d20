/** Image formats recognised from their first bytes, never from a file name or a declared MIME type. */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'bmp' | 'tiff' | 'gif' | 'avif';

export const mediaTypeByFormat: Readonly<Record<ImageFormat, string>> = {
  png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', bmp: 'image/bmp',
  tiff: 'image/tiff', gif: 'image/gif', avif: 'image/avif',
};

/** Bytes needed by `sniffImageFormat`: enough for an ISO media `ftyp` box with several compatible brands. */
export const sniffLength = 64;

/** Brands of an AV1 image or image sequence (AVIF). */
const avifBrands = ['avif', 'avis'];
/** Brands of HEIF images coded with HEVC (HEIC, what phones save), which libvips here cannot decode. */
const heicBrands = ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'];

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
  if (isoMediaBrands(bytes)?.some((brand) => avifBrands.includes(brand))) return 'avif';
  return undefined;
}

/**
 * The brands of an ISO media file's leading `ftyp` box (major brand first, then the compatible brands that `bytes`
 * holds), or undefined for other content. AVIF needs the compatible brands: the format requires "avif" among them,
 * and the major brand may be another, such as "mif1".
 */
function isoMediaBrands(bytes: Uint8Array): string[] | undefined {
  if (bytes.length < 12 || ascii(bytes, 4, 4) !== 'ftyp') return undefined;
  const boxSize = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  const end = Math.min(boxSize, bytes.length);
  const brands = [ascii(bytes, 8, 4)];
  // Offset 12 holds the minor version, not a brand.
  for (let offset = 16; offset + 4 <= end; offset += 4) brands.push(ascii(bytes, offset, 4));
  return brands;
}

/**
 * A short, safe description of unknown leading bytes for error messages: hex, never the content itself, except the
 * brand of an ISO media file (four printable characters), which tells a person holding a HEIC photo what it is.
 */
export function describeLeadingBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'it is empty';
  const brands = isoMediaBrands(bytes);
  if (brands && !/^[\x21-\x7e]{4}$/.test(brands[0])) return describeAsHex(bytes);
  if (brands?.some((brand) => heicBrands.includes(brand))) return `it is a HEIC/HEIF image with brand "${brands[0]}"; only AVIF, its AV1 form, is decoded`;
  if (brands) return `it is an ISO media file with brand "${brands[0]}", such as a video, not an image`;
  return describeAsHex(bytes);
}

function describeAsHex(bytes: Uint8Array): string {
  const hex = Array.from(bytes.subarray(0, 8), (value) => value.toString(16).padStart(2, '0')).join(' ');
  return `it starts with bytes ${hex}`;
}
