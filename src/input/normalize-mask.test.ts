import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import { normalizeMask, toAlphaMask, toWhiteMask, type NormalizeMaskOptions } from './normalize-mask.ts';

const width = 40;
const height = 30;
const options = (convention: NormalizeMaskOptions['convention'], overrides: Partial<NormalizeMaskOptions> = {}): NormalizeMaskOptions => ({
  convention,
  imageWidth: width,
  imageHeight: height,
  maxInputPixels: 10_000,
  ...overrides,
});

/** True inside the 10×8 rectangle at (12, 9) that every test mask selects. */
const selectedAt = (x: number, y: number): boolean => x >= 12 && x < 22 && y >= 9 && y < 17;

async function encode(channels: 1 | 2 | 3 | 4, pixel: (selected: boolean, x: number, y: number) => number[], format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(selectedAt(x, y), x, y), (y * width + x) * channels);
  const image = sharp(data, { raw: { width, height, channels } });
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 80 }).toBuffer();
}

async function decodeCanonical(bytes: Buffer): Promise<{ data: Buffer; channels: number }> {
  const metadata = await sharp(bytes).metadata();
  const { data } = await sharp(bytes).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data, channels: metadata.channels ?? 0 };
}

async function expectSelectsRectangle(bytes: Buffer): Promise<void> {
  const { data, channels } = await decodeCanonical(bytes);
  expect(channels).toBe(1);
  let mismatches = 0;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (data[y * width + x] !== (selectedAt(x, y) ? 255 : 0)) mismatches++;
  expect(mismatches).toBe(0);
}

async function catchGatewayError(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  if (!GatewayError.isInstance(error)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return error;
}

describe('normalizeMask', () => {
  it('turns a white = edit RGB mask into a single-channel 0/255 PNG of the same size', async () => {
    const bytes = await encode(3, (selected) => (selected ? [255, 255, 255] : [0, 0, 0]));
    const canonical = await normalizeMask({ bytes }, options('white'));
    expect({ width: canonical.width, height: canonical.height }).toEqual({ width, height });
    await expectSelectsRectangle(canonical.bytes);
  });

  it('binarises soft edges at 128 so a JPEG mask still selects exactly the painted area', async () => {
    const grey = await encode(1, (selected, x) => [selected ? 200 + (x % 50) : x % 2 === 0 ? 127 : 30]);
    await expectSelectsRectangle((await normalizeMask({ bytes: grey }, options('white'))).bytes);
    const jpeg = await encode(3, (selected) => (selected ? [250, 250, 250] : [5, 5, 5]), 'jpeg');
    const canonical = await normalizeMask({ bytes: jpeg }, options('white'));
    const { data } = await decodeCanonical(canonical.bytes);
    expect(new Set(data)).toEqual(new Set([0, 255]));
    expect(data[12 * width + 16]).toBe(255);
    expect(data[2 * width + 2]).toBe(0);
  });

  it('reads transparent = edit (OpenAI) masks with the alpha convention', async () => {
    const bytes = await encode(4, (selected) => (selected ? [0, 0, 0, 0] : [0, 0, 0, 255]));
    await expectSelectsRectangle((await normalizeMask({ bytes }, options('alpha'))).bytes);
  });

  it('auto-detects the alpha convention when the mask has transparent pixels', async () => {
    // Opaque white everywhere except the transparent hole: under white = edit this would select the outside.
    const bytes = await encode(4, (selected) => (selected ? [255, 255, 255, 0] : [255, 255, 255, 255]));
    await expectSelectsRectangle((await normalizeMask({ bytes }, options('auto'))).bytes);
  });

  it('auto-detects white = edit for opaque masks, with or without an alpha channel', async () => {
    const rgb = await encode(3, (selected) => (selected ? [255, 255, 255] : [0, 0, 0]));
    await expectSelectsRectangle((await normalizeMask({ bytes: rgb }, options('auto'))).bytes);
    const opaqueRgba = await encode(4, (selected) => (selected ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    await expectSelectsRectangle((await normalizeMask({ bytes: opaqueRgba }, options('auto'))).bytes);
  });

  it('treats transparent paint as no paint under the white convention', async () => {
    // White strokes on a transparent layer, exported as white everywhere with alpha 0 outside the strokes.
    const bytes = await encode(4, (selected) => (selected ? [255, 255, 255, 255] : [255, 255, 255, 0]));
    await expectSelectsRectangle((await normalizeMask({ bytes }, options('white'))).bytes);
  });

  it('refuses a mask of another size and names both sizes', async () => {
    const bytes = await encode(3, (selected) => (selected ? [255, 255, 255] : [0, 0, 0]));
    const error = await catchGatewayError(normalizeMask({ bytes }, options('white', { imageWidth: 64, imageHeight: 48 })));
    expect(error.code).toBe('mask_size_mismatch');
    expect(error.message).toContain('40×30');
    expect(error.message).toContain('64×48');
  });

  it('refuses a mask that selects nothing, with a hint for the convention used', async () => {
    const black = await encode(3, () => [0, 0, 0]);
    const whiteError = await catchGatewayError(normalizeMask({ bytes: black }, options('auto')));
    expect(whiteError.code).toBe('mask_empty');
    expect(whiteError.message).toMatch(/white \(auto-detected/);
    const alphaError = await catchGatewayError(normalizeMask({ bytes: black }, options('alpha')));
    expect(alphaError.code).toBe('mask_empty');
    expect(alphaError.message).toContain('no alpha channel');
  });

  it('checks the pixel limit on the header before decoding', async () => {
    const bytes = await encode(3, (selected) => (selected ? [255, 255, 255] : [0, 0, 0]));
    const error = await catchGatewayError(normalizeMask({ bytes }, options('white', { maxInputPixels: 1000 })));
    expect(error.code).toBe('input_pixels_exceeded');
    expect(error.message).toContain('1200');
  });

  it('refuses bytes that are not an image', async () => {
    const error = await catchGatewayError(normalizeMask({ bytes: Buffer.from('definitely not a PNG') }, options('white')));
    expect(error.code).toBe('input_format_unsupported');
  });
});

describe('toWhiteMask and toAlphaMask', () => {
  it('convert the canonical mask to each provider convention and back without loss', async () => {
    const source = await encode(3, (selected) => (selected ? [255, 255, 255] : [0, 0, 0]));
    const canonical = await normalizeMask({ bytes: source }, options('white'));

    const white = await toWhiteMask(canonical);
    const whiteMetadata = await sharp(white).metadata();
    expect(whiteMetadata.channels).toBe(3);
    expect(whiteMetadata.hasAlpha).toBe(false);
    await expectSelectsRectangle((await normalizeMask({ bytes: white }, options('white'))).bytes);

    const alpha = await toAlphaMask(canonical);
    const { data, info } = await sharp(alpha).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[(12 * width + 16) * 4 + 3]).toBe(0);
    expect(data[(2 * width + 2) * 4 + 3]).toBe(255);
    // The colour says the same for servers that read one grey channel and ignore alpha (white = edit).
    expect([...data.subarray((12 * width + 16) * 4, (12 * width + 16) * 4 + 3)]).toEqual([255, 255, 255]);
    expect([...data.subarray((2 * width + 2) * 4, (2 * width + 2) * 4 + 3)]).toEqual([0, 0, 0]);
    const grey = await sharp(alpha).removeAlpha().greyscale().raw().toBuffer();
    expect([grey[12 * width + 16], grey[2 * width + 2]]).toEqual([255, 0]);
    await expectSelectsRectangle((await normalizeMask({ bytes: alpha }, options('auto'))).bytes);
  });
});
