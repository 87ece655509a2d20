import type { RawImage } from '../raw-image.ts';
import { fromRaw } from '../sharp-stage.ts';

/** Mean Rec. 709 luminance in [0, 1], from libvips' per-channel statistics (no JS pass over the pixels). */
export async function meanLuminance(image: RawImage): Promise<number> {
  const { channels } = await fromRaw(image).stats();
  return (0.2126 * channels[0].mean + 0.7152 * channels[1].mean + 0.0722 * channels[2].mean) / 255;
}
