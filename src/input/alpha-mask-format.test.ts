/**
 * toAlphaMask must write the RGBA PNG that its contract and openai-images.md §5 describe ("build RGBA where alpha =
 * 255 − mask"), not a grey + alpha PNG: decoding with sharp expands either to four channels, so the file's own
 * colour type is what is checked here.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { normalizeMask, toAlphaMask } from './normalize-mask.ts';

const width = 8;
const height = 4;

async function canonicalMask() {
  // Left half white (edit), right half black (keep).
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill(x < width / 2 ? 255 : 0, (y * width + x) * 3, (y * width + x + 1) * 3);
  const bytes = await sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
  return normalizeMask({ bytes }, { convention: 'white', imageWidth: width, imageHeight: height, maxInputPixels: 10_000 });
}

describe('toAlphaMask writes an RGBA PNG', () => {
  it('has four channels in sRGB, with the canonical plane as colour and its inverse as alpha', async () => {
    const alphaMask = await toAlphaMask(await canonicalMask());
    const metadata = await sharp(alphaMask).metadata();
    expect({ channels: metadata.channels, space: metadata.space, hasAlpha: metadata.hasAlpha }).toEqual({ channels: 4, space: 'srgb', hasAlpha: true });
    // PNG colour type, byte 25 of the file (IHDR): 6 = truecolour with alpha, 4 = greyscale with alpha.
    expect(alphaMask[25]).toBe(6);
    const { data } = await sharp(alphaMask).raw().toBuffer({ resolveWithObject: true });
    expect([...data.subarray(0, 4)]).toEqual([255, 255, 255, 0]);
    expect([...data.subarray((width - 1) * 4, width * 4)]).toEqual([0, 0, 0, 255]);
  });
});
