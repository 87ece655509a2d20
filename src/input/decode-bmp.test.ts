/**
 * decodeBmp gives exact pixels for each depth and layout: palettes of 1 and 4 bits (row padding, a partial last
 * byte, an index past the palette), 16-bit 5-5-5 and 5-6-5 bit fields, 24-bit, 32-bit with and without real alpha,
 * bottom-up and top-down rows. Expected values are worked out by hand from the bytes written.
 */
import { describe, expect, it } from 'vitest';
import { decodeBmp } from './decode-bmp.ts';

interface BmpLayout {
  width: number;
  height: number;
  bitsPerPixel: number;
  /** Pixel rows exactly as stored, padding included: the bottom row first unless topDown. */
  rows: number[][];
  topDown?: boolean;
  palette?: [number, number, number][];
  /** BI_BITFIELDS red, green and blue masks. */
  masks?: [number, number, number];
}

function makeBmp(layout: BmpLayout): Buffer {
  const masks = layout.masks ?? [];
  const palette = layout.palette ?? [];
  const dataOffset = 54 + masks.length * 4 + palette.length * 4;
  const data = Buffer.from(layout.rows.flat());
  const file = Buffer.alloc(dataOffset + data.length);
  file.write('BM', 0, 'ascii');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(dataOffset, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(layout.width, 18);
  file.writeInt32LE(layout.topDown ? -layout.height : layout.height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(layout.bitsPerPixel, 28);
  file.writeUInt32LE(masks.length ? 3 : 0, 30);
  file.writeUInt32LE(data.length, 34);
  file.writeUInt32LE(palette.length, 46);
  masks.forEach((mask, index) => file.writeUInt32LE(mask, 54 + index * 4));
  palette.forEach(([red, green, blue], index) => file.set([blue, green, red, 0], 54 + masks.length * 4 + index * 4));
  data.copy(file, dataOffset);
  return file;
}

const pixelsOf = (bytes: Buffer) => {
  const decoded = decodeBmp(bytes, 'image');
  const pixels = Array.from({ length: decoded.width * decoded.height }, (_, index) => Array.from(decoded.rgba.subarray(index * 4, index * 4 + 4)));
  return { width: decoded.width, height: decoded.height, hasAlpha: decoded.hasAlpha, pixels };
};

describe('decodeBmp', () => {
  it('decodes a 1-bit BMP of odd width, bottom-up, to its palette colours', () => {
    const dark = [10, 20, 30, 255];
    const light = [200, 150, 100, 255];
    const bmp = makeBmp({
      width: 10, height: 2, bitsPerPixel: 1, palette: [[10, 20, 30], [200, 150, 100]],
      // Stored bottom row first; 10 bits use 2 bytes, padded to 4. Top row 1010000011, bottom row 0111111100.
      rows: [[0b01111111, 0b00000000, 0xff, 0xff], [0b10100000, 0b11000000, 0xff, 0xff]],
    });
    expect(pixelsOf(bmp)).toEqual({
      width: 10, height: 2, hasAlpha: false,
      pixels: [light, dark, light, dark, dark, dark, dark, dark, light, light, dark, light, light, light, light, light, light, light, dark, dark],
    });
  });

  it('decodes a 4-bit BMP, where an index past the declared palette is opaque black', () => {
    const bmp = makeBmp({ width: 3, height: 1, bitsPerPixel: 4, palette: [[1, 2, 3], [4, 5, 6]], rows: [[0x10, 0x50, 0, 0]] });
    expect(pixelsOf(bmp).pixels).toEqual([[4, 5, 6, 255], [1, 2, 3, 255], [0, 0, 0, 255]]);
  });

  it('decodes a 24-bit BMP (BGR, rows padded to 4 bytes) the same bottom-up and top-down', () => {
    const top = [0, 0, 255, 0, 255, 0, 255, 0, 0, 0xee, 0xee, 0xee];
    const bottom = [3, 2, 1, 6, 5, 4, 9, 8, 7, 0xee, 0xee, 0xee];
    const expected = {
      width: 3, height: 2, hasAlpha: false,
      pixels: [[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [1, 2, 3, 255], [4, 5, 6, 255], [7, 8, 9, 255]],
    };
    expect(pixelsOf(makeBmp({ width: 3, height: 2, bitsPerPixel: 24, rows: [bottom, top] }))).toEqual(expected);
    expect(pixelsOf(makeBmp({ width: 3, height: 2, bitsPerPixel: 24, rows: [top, bottom], topDown: true }))).toEqual(expected);
  });

  it('decodes 16-bit 5-5-5 and 5-6-5 bit fields, scaling each channel to 0–255', () => {
    const rgb555 = makeBmp({ width: 3, height: 1, bitsPerPixel: 16, rows: [[0x00, 0x7c, 0xe0, 0x03, 0x01, 0x00, 0, 0]] });
    expect(pixelsOf(rgb555).pixels).toEqual([[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 8, 255]]);
    const rgb565 = makeBmp({ width: 2, height: 1, bitsPerPixel: 16, masks: [0xf800, 0x07e0, 0x001f], rows: [[0x00, 0xf8, 0x20, 0x00]] });
    expect(pixelsOf(rgb565).pixels).toEqual([[255, 0, 0, 255], [0, 4, 0, 255]]);
  });

  it('treats an all-zero 32-bit alpha byte as padding, and keeps a real alpha channel', () => {
    const padded = makeBmp({ width: 2, height: 1, bitsPerPixel: 32, rows: [[3, 2, 1, 0, 6, 5, 4, 0]] });
    expect(pixelsOf(padded)).toMatchObject({ hasAlpha: false, pixels: [[1, 2, 3, 255], [4, 5, 6, 255]] });
    const translucent = makeBmp({ width: 2, height: 1, bitsPerPixel: 32, rows: [[3, 2, 1, 0x80, 6, 5, 4, 0]] });
    expect(pixelsOf(translucent)).toMatchObject({ hasAlpha: true, pixels: [[1, 2, 3, 128], [4, 5, 6, 0]] });
  });
});
