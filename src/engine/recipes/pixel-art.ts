import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import { fromRaw, toRawImage } from '../sharp-stage.ts';
import type { PaletteMapParameters } from '../kernels/palette-map.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { analyseColours } from './smoothing.ts';

/**
 * Pixel art: area-average down to a coarse grid (libvips), choose a 10–16 colour palette for the grid by k-means
 * with a hue-preserving distance (so a small green eye in an orange cat keeps its own colour; the seed picks the
 * initialisation and so the palette), snap every cell to it without dithering, and scale back up with nearest
 * neighbour so every block is one crisp colour. Saturation and contrast are lifted first, as sprite palettes are punchier than
 * photos. The seed also varies the block size.
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
    const grid = await toRawImage(fromRaw(image).resize(gridWidth, gridHeight, { kernel: 'cubic' }).modulate({ saturation: 1.35 }).linear(1.15, -19));
    const { palette } = await analyseColours(grid, random.integerBetween(10, 16), [], context);
    const snapped = await runInBands<PaletteMapParameters>(context.pool, { module: 'kernels/palette-map.ts', exportName: 'paletteMapBand' }, {
      width: gridWidth, height: gridHeight, halo: 0, outputChannels: 3, signal: context.signal,
      sources: { image: { data: grid.data, channels: 3 } },
      parameters: { palette },
    });
    return toRawImage(fromRaw({ data: snapped, width: gridWidth, height: gridHeight, channels: 3 }).resize(width, height, { kernel: 'nearest' }));
  },
};
