import { GatewayError } from '../errors/gateway-error.ts';
import { decodeBmpRows, type BmpPixelLayout } from './bmp-pixel-rows.ts';

/** Decoded BMP pixels: RGBA, top row first. */
export interface DecodedBmp {
  width: number;
  height: number;
  hasAlpha: boolean;
  rgba: Uint8Array;
}

/** The depths BMP writers produce: palettes of 1, 2, 4 and 8 bits, and 16, 24 and 32-bit colour. */
const supportedBitsPerPixel = new Set<number>([1, 2, 4, 8, 16, 24, 32]);
const isSupportedBitsPerPixel = (bits: number): bits is BmpPixelLayout['bitsPerPixel'] => supportedBitsPerPixel.has(bits);

/** Reads width and height from a BMP header without decoding (for the pixel limit). */
export function readBmpSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length < 26) throw new Error('the BMP header is truncated');
  const headerSize = bytes.readUInt32LE(14);
  if (headerSize === 12) return { width: bytes.readUInt16LE(18), height: bytes.readUInt16LE(20) };
  return { width: Math.abs(bytes.readInt32LE(18)), height: Math.abs(bytes.readInt32LE(22)) };
}

/**
 * Decodes uncompressed BMP (1/4/8-bit palette, 16/24/32-bit, BI_BITFIELDS), the forms Windows and browsers write.
 * libvips as shipped with sharp has no BMP loader, so Atelier converts BMP to PNG at the input boundary.
 * RLE-compressed BMPs are refused with a message that says so.
 */
export function decodeBmp(bytes: Buffer, parameter: string): DecodedBmp {
  const fail = (reason: string) => new GatewayError('input_image_corrupt', { parameter, reason: `BMP: ${reason}` });
  if (bytes.length < 26) throw fail('the header is truncated');
  const dataOffset = bytes.readUInt32LE(10);
  const headerSize = bytes.readUInt32LE(14);
  const core = headerSize === 12;
  if (!core && bytes.length < 54) throw fail('the header is truncated');
  const width = core ? bytes.readUInt16LE(18) : bytes.readInt32LE(18);
  const rawHeight = core ? bytes.readUInt16LE(20) : bytes.readInt32LE(22);
  const bitsPerPixel = core ? bytes.readUInt16LE(24) : bytes.readUInt16LE(28);
  const compression = core ? 0 : bytes.readUInt32LE(30);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw fail('the header declares no size');
  if (compression === 1 || compression === 2) throw fail('RLE-compressed BMP is not supported; save it uncompressed or as PNG');
  if (compression !== 0 && compression !== 3 && compression !== 6) throw fail(`compression type ${compression} is not supported`);
  // Checked before anything is read: at 0 bits per pixel the rows take no bytes, so the truncation check below would
  // let a 58-byte file declare (and this loop fill) an image as large as the pixel limit.
  if (!isSupportedBitsPerPixel(bitsPerPixel)) throw fail(`${bitsPerPixel} bits per pixel is not supported`);

  let masks = { red: 0x00ff0000, green: 0x0000ff00, blue: 0x000000ff, alpha: bitsPerPixel === 32 ? 0xff000000 : 0 };
  if (bitsPerPixel === 16 && compression === 0) masks = { red: 0x7c00, green: 0x03e0, blue: 0x001f, alpha: 0 };
  if (compression === 3 || compression === 6) {
    const maskOffset = headerSize >= 52 ? 54 : 14 + headerSize;
    masks = {
      red: bytes.readUInt32LE(maskOffset), green: bytes.readUInt32LE(maskOffset + 4), blue: bytes.readUInt32LE(maskOffset + 8),
      alpha: headerSize >= 56 || compression === 6 ? bytes.readUInt32LE(maskOffset + 12) : 0,
    };
  }
  const palette: number[][] = [];
  if (bitsPerPixel <= 8) {
    const entrySize = core ? 3 : 4;
    const declared = core ? 0 : bytes.readUInt32LE(46);
    const count = declared || 1 << bitsPerPixel;
    const paletteStart = 14 + headerSize;
    for (let index = 0; index < count; index++) {
      const at = paletteStart + index * entrySize;
      if (at + 3 > bytes.length) throw fail('the palette is truncated');
      palette.push([bytes[at + 2], bytes[at + 1], bytes[at]]);
    }
  }

  const rowSize = Math.ceil((width * bitsPerPixel) / 32) * 4;
  if (dataOffset + rowSize * height > bytes.length) throw fail('the pixel data is truncated');
  const rgba = new Uint8Array(width * height * 4);
  decodeBmpRows({ bytes, dataOffset, rowSize, width, height, topDown, bitsPerPixel }, rgba, palette, masks);
  // Palettes and 24-bit pixels are opaque; a 16 or 32-bit pixel has alpha only when its masks give it a channel.
  let sawAlpha = false;
  let sawNonZeroAlpha = false;
  if (bitsPerPixel >= 16 && masks.alpha !== 0) {
    for (let index = 3; index < rgba.length; index += 4) {
      if (rgba[index] !== 255) sawAlpha = true;
      if (rgba[index] !== 0) sawNonZeroAlpha = true;
    }
  }
  // Many 32-bit BMPs carry an all-zero "alpha" byte that is really padding: treat it as opaque.
  if (sawAlpha && !sawNonZeroAlpha) {
    for (let index = 3; index < rgba.length; index += 4) rgba[index] = 255;
    sawAlpha = false;
  }
  return { width, height, hasAlpha: sawAlpha, rgba };
}
