import type { RawImage } from '../raw-image.ts';
import { fromEncoded, fromRaw, toRawImage } from '../sharp-stage.ts';
import type { Recipe, RecipeContext } from './recipe.ts';

/**
 * Pixel art: area-average down to a coarse grid, reduce to a small palette with libimagequant (through sharp's
 * palette PNG encoder, no dithering so areas stay flat), and scale back up with nearest neighbour so every block is
 * one crisp colour. All in libvips; the seed varies block size and palette size.
 */
export const pixelArt: Recipe = {
  id: 'pixel-art',
  kind: 'style',
  name: 'Pixel art',
  description: 'Chunky square pixels in a small retro palette, like an 8/16-bit game sprite.',
  keywords: {
    en: ['pixel art', 'pixel', 'pixels', 'pixelated', 'pixelate', 'pixelart', '8-bit', '8 bit', '16-bit', '16 bit', 'retro game', 'sprite'],
    zh: ['像素', '像素风', '像素画', '马赛克', '8位', '8比特', '复古游戏'],
  },
  examplePrompts: { en: ['Turn it into pixel art'], zh: ['转换为像素风格'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const { width, height } = image;
    const { random } = context;
    // About 48–64 blocks across the shorter side, whatever the resolution.
    const blockSize = Math.max(2, Math.round(Math.min(width, height) / random.between(48, 64)));
    const gridWidth = Math.max(1, Math.round(width / blockSize));
    const gridHeight = Math.max(1, Math.round(height / blockSize));
    const small = await toRawImage(fromRaw(image).resize(gridWidth, gridHeight, { kernel: 'cubic' }).modulate({ saturation: 1.4 }));
    // libvips derives the PNG bit depth from `colours` and hands libimagequant 2^depth colours, so anything above 16
    // silently becomes 256: stay within 4 bits.
    const indexed = await fromRaw(small).png({ palette: true, colours: random.integerBetween(10, 16), dither: 0, effort: 10 }).toBuffer();
    const grid = await toRawImage(fromEncoded(indexed));
    return toRawImage(fromRaw(grid).resize(width, height, { kernel: 'nearest' }));
  },
};
