import sharp from 'sharp';
import type { RawImage } from '../raw-image.ts';

/** Regions of {@link syntheticScene}, for tests that compare parts of the picture. */
export interface SceneLayout {
  /** Rows above this are sky. */
  horizon: number;
  /** The subject: a textured red disc. */
  subject: { centreX: number; centreY: number; radius: number };
  /** A flat black patch and a flat white patch (lower left), for black/white point checks. */
  blackPatch: { left: number; top: number; size: number };
  whitePatch: { left: number; top: number; size: number };
}

/**
 * A small, deterministic photo-like test scene generated in memory (tests never read fixture files): a smooth
 * light-blue sky, textured green-brown ground, a textured red disc as the subject, flat black and white patches,
 * and mild per-pixel noise, so every recipe has flat areas, texture, edges and saturated colour to act on.
 */
export function syntheticScene(width = 192, height = 144): { image: RawImage; layout: SceneLayout } {
  const horizon = Math.round(height * 0.42);
  const radius = Math.round(Math.min(width, height) * 0.22);
  const layout: SceneLayout = {
    horizon,
    subject: { centreX: Math.round(width * 0.55), centreY: Math.round(height * 0.55), radius },
    blackPatch: { left: Math.round(width * 0.05), top: Math.round(height * 0.7), size: Math.round(height * 0.16) },
    whitePatch: { left: Math.round(width * 0.05) + Math.round(height * 0.18), top: Math.round(height * 0.7), size: Math.round(height * 0.16) },
  };
  const data = new Uint8Array(width * height * 3);
  let state = 0x1234567;
  const noise = (amplitude: number): number => {
    state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
    return ((state >>> 0) / 4294967296 - 0.5) * 2 * amplitude;
  };
  const inside = (x: number, y: number, patch: { left: number; top: number; size: number }) =>
    x >= patch.left && x < patch.left + patch.size && y >= patch.top && y < patch.top + patch.size;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let red: number, green: number, blue: number;
      const distance = Math.hypot(x - layout.subject.centreX, y - layout.subject.centreY);
      if (inside(x, y, layout.blackPatch)) {
        [red, green, blue] = [0, 0, 0];
      } else if (inside(x, y, layout.whitePatch)) {
        [red, green, blue] = [255, 255, 255];
      } else if (distance < radius) {
        const texture = 25 * Math.sin(x / 2.5) * Math.cos(y / 3) + noise(18);
        [red, green, blue] = [205 + texture, 45 + texture * 0.5, 40 + texture * 0.4];
      } else if (y < horizon) {
        const fraction = y / horizon;
        [red, green, blue] = [165 + 45 * fraction + noise(3), 195 + 30 * fraction + noise(3), 240 + 5 * fraction + noise(3)];
      } else {
        const texture = 30 * Math.sin(x / 4 + y / 7) + noise(22);
        [red, green, blue] = [95 + texture, 120 + texture, 55 + texture * 0.6];
      }
      const at = (y * width + x) * 3;
      // Independent sensor-like noise per channel (not on the flat patches), so there is chroma noise to remove.
      const grain = inside(x, y, layout.blackPatch) || inside(x, y, layout.whitePatch) ? 0 : 4;
      data[at] = clampByte(red + noise(grain));
      data[at + 1] = clampByte(green + noise(grain));
      data[at + 2] = clampByte(blue + noise(grain));
    }
  }
  return { image: { data, width, height, channels: 3 }, layout };
}

/** Encodes a raw test image (RGB or RGBA) as PNG or JPEG. */
export function encodeTestImage(image: RawImage, format: 'png' | 'jpeg'): Promise<Buffer> {
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  return (format === 'png' ? pipeline.png() : pipeline.jpeg({ quality: 95 })).toBuffer();
}

/** Decodes test output bytes to raw pixels (keeping alpha when present). */
export async function decodeTestImage(bytes: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels as 3 | 4 };
}

function clampByte(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
}
