/**
 * The pixel loops of the BMP decoder. Each pixel is written as one 32-bit word copied from a table of ready RGBA
 * colours (palettes, and all 65 536 values of a 16-bit pixel), or assembled from bytes: a 64-megapixel 1-bit BMP
 * decoded per pixel through array destructuring and function calls held the event loop for over a second.
 */

/** Where the pixel rows are and how they are laid out; the caller has checked that they lie within `bytes`. */
export interface BmpPixelLayout {
  bytes: Buffer;
  dataOffset: number;
  /** Bytes per stored row, padding included. */
  rowSize: number;
  width: number;
  height: number;
  topDown: boolean;
  bitsPerPixel: 1 | 2 | 4 | 8 | 16 | 24 | 32;
}

/** Red, green, blue and alpha bit masks of a 16 or 32-bit pixel; a mask of 0 means the channel is absent (255). */
export interface BmpChannelMasks {
  red: number;
  green: number;
  blue: number;
  alpha: number;
}

/** A channel's mask, where its lowest bit is, and its largest raw value, worked out once instead of per pixel. */
interface ChannelScale {
  mask: number;
  low: number;
  largest: number;
}

function channelScale(mask: number): ChannelScale {
  const low = 31 - Math.clz32(mask & -mask); // index of the mask's lowest set bit
  const bits = 32 - Math.clz32(mask >>> low);
  return { mask, low, largest: (1 << bits) - 1 };
}

/** One channel of `value` scaled to 0–255 (255 when the channel is absent). */
function scaleChannel(value: number, scale: ChannelScale): number {
  if (scale.mask === 0) return 255;
  const raw = (value & scale.mask) >>> scale.low;
  return scale.largest === 255 ? raw : Math.round((raw * 255) / scale.largest);
}

/**
 * Decodes the rows of `layout` into `rgba` (RGBA, top row first, `width × height × 4` bytes).
 * @param palette `[red, green, blue]` entries; used for 1 to 8 bits per pixel, where an index past the end is black.
 * @param masks channel masks; used for 16 and 32 bits per pixel.
 */
export function decodeBmpRows(layout: BmpPixelLayout, rgba: Uint8Array, palette: readonly (readonly number[])[], masks: BmpChannelMasks): void {
  // Words are copied whole from tables built as bytes, so the machine's byte order never matters.
  const words = new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.byteLength / 4);
  const { bytes, width, height, bitsPerPixel } = layout;
  const colours = bitsPerPixel === 16 ? sixteenBitColours(masks) : bitsPerPixel <= 8 ? coloursPerByte(palette, bitsPerPixel) : new Uint32Array(0);
  const scales = [masks.red, masks.green, masks.blue, masks.alpha].map(channelScale);
  for (let row = 0; row < height; row++) {
    const source = layout.dataOffset + (layout.topDown ? row : height - 1 - row) * layout.rowSize;
    const target = row * width;
    if (bitsPerPixel === 24) {
      for (let column = 0, from = source, to = target * 4; column < width; column++, from += 3, to += 4) {
        rgba[to] = bytes[from + 2];
        rgba[to + 1] = bytes[from + 1];
        rgba[to + 2] = bytes[from];
        rgba[to + 3] = 255;
      }
    } else if (bitsPerPixel === 32) {
      for (let column = 0, from = source, to = target * 4; column < width; column++, from += 4, to += 4) {
        const value = bytes[from] | (bytes[from + 1] << 8) | (bytes[from + 2] << 16) | (bytes[from + 3] << 24);
        rgba[to] = scaleChannel(value, scales[0]);
        rgba[to + 1] = scaleChannel(value, scales[1]);
        rgba[to + 2] = scaleChannel(value, scales[2]);
        rgba[to + 3] = scaleChannel(value, scales[3]);
      }
    } else if (bitsPerPixel === 16) {
      for (let column = 0, from = source; column < width; column++, from += 2) {
        words[target + column] = colours[bytes[from] | (bytes[from + 1] << 8)];
      }
    } else {
      decodePaletteRow(bytes, source, words, target, width, bitsPerPixel, colours);
    }
  }
}

/**
 * Writes one row of palette indices (1, 2, 4 or 8 bits, the leftmost pixel in a byte's high bits) as colours, a whole
 * byte's pixels at a time from `byteColours` (see coloursPerByte).
 */
function decodePaletteRow(
  bytes: Buffer, source: number, words: Uint32Array, target: number, width: number, bitsPerPixel: number, byteColours: Uint32Array,
): void {
  const pixelsPerByte = 8 / bitsPerPixel;
  const wholeBytes = Math.floor(width / pixelsPerByte);
  let to = target;
  for (let from = source; from < source + wholeBytes; from++) {
    const first = bytes[from] * pixelsPerByte;
    for (let pixel = first; pixel < first + pixelsPerByte; pixel++) words[to++] = byteColours[pixel];
  }
  if (to === target + width) return;
  const first = bytes[source + wholeBytes] * pixelsPerByte; // the last byte holds fewer pixels than it could
  for (let pixel = first; to < target + width; pixel++) words[to++] = byteColours[pixel];
}

/**
 * The colours of the pixels in each possible byte, `8 / bitsPerPixel` words per byte value (at most 8 KB): a row is
 * then decoded by copying, with no shifting or masking per pixel.
 */
function coloursPerByte(palette: readonly (readonly number[])[], bitsPerPixel: number): Uint32Array {
  const colours = opaqueColours(palette, 1 << bitsPerPixel);
  const pixelsPerByte = 8 / bitsPerPixel;
  const indexMask = (1 << bitsPerPixel) - 1;
  const table = new Uint32Array(256 * pixelsPerByte);
  for (let byte = 0; byte < 256; byte++) {
    for (let pixel = 0; pixel < pixelsPerByte; pixel++) {
      table[byte * pixelsPerByte + pixel] = colours[(byte >> (8 - bitsPerPixel * (pixel + 1))) & indexMask];
    }
  }
  return table;
}

/** The RGBA colour of every possible 16-bit pixel value: 256 KB, cheaper than scaling three channels per pixel. */
function sixteenBitColours(masks: BmpChannelMasks): Uint32Array {
  const scales = [masks.red, masks.green, masks.blue, masks.alpha].map(channelScale);
  const colours = new Uint8Array(65536 * 4);
  for (let value = 0; value < 65536; value++) {
    for (let channel = 0; channel < 4; channel++) colours[value * 4 + channel] = scaleChannel(value, scales[channel]);
  }
  return new Uint32Array(colours.buffer);
}

/** `[red, green, blue]` palette entries as `size` opaque RGBA words; indices past the palette's end are black. */
function opaqueColours(entries: readonly (readonly number[])[], size: number): Uint32Array {
  const colours = new Uint8Array(size * 4);
  for (let index = 0; index < size; index++) {
    const [red, green, blue] = entries[index] ?? [0, 0, 0];
    colours.set([red, green, blue, 255], index * 4);
  }
  return new Uint32Array(colours.buffer);
}
