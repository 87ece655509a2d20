import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import type { PopArtParameters } from '../kernels/pop-art.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { scaledSize } from './recipe-scale.ts';
import { analyseColours, differenceOfGaussians, kuwaharaSmooth } from './smoothing.ts';

/** Screen-print palettes, dark to light; the seed picks one per variation. */
const palettes: ReadonlyArray<ReadonlyArray<[number, number, number]>> = [
  [[28, 24, 90], [230, 30, 120], [255, 214, 0], [250, 246, 235]],
  [[20, 20, 20], [226, 35, 40], [40, 170, 225], [255, 236, 60]],
  [[70, 20, 110], [255, 90, 40], [80, 220, 160], [255, 250, 200]],
  [[10, 60, 120], [240, 70, 150], [250, 180, 40], [210, 250, 255]],
  [[40, 10, 30], [0, 150, 140], [255, 120, 170], [255, 242, 120]],
];

/**
 * Pop art: posterised luminance in four loud flat colours (the seed picks the palette), halftone dots carrying the
 * tone inside each band, and black outlines.
 */
export const popArt: Recipe = {
  id: 'pop-art',
  kind: 'style',
  name: 'Pop art',
  description: 'Bold flat screen-print colours with halftone dots and black outlines, after Warhol and Lichtenstein.',
  keywords: {
    en: ['pop art', 'pop-art', 'warhol', 'andy warhol', 'lichtenstein', 'halftone', 'ben day', 'screen print', 'screenprint'],
    zh: ['波普', '波普艺术', '安迪沃霍尔', '沃霍尔', '半色调', '丝网印刷'],
  },
  examplePrompts: { en: ['Make it pop art like Andy Warhol'], zh: ['改为波普艺术风格'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const { width, height } = image;
    const { random } = context;
    const smoothed = await kuwaharaSmooth(image, Math.round(scaledSize(width, height, 4, 2)), 4, context);
    const [{ luminanceQuantiles }, { grey, narrow, wide }] = await Promise.all([
      analyseColours(smoothed, 1, [0.25, 0.5, 0.78], context),
      differenceOfGaussians(smoothed, scaledSize(width, height, 2, 1)),
    ]);
    const palette = random.pick(palettes);
    const data = await runInBands<PopArtParameters>(context.pool, { module: 'kernels/pop-art.ts', exportName: 'popArtBand' }, {
      width, height, halo: 0, outputChannels: 3, signal: context.signal,
      sources: { grey: { data: grey.data, channels: 1 }, narrow: { data: narrow.data, channels: 1 }, wide: { data: wide.data, channels: 1 } },
      parameters: {
        thresholds: luminanceQuantiles,
        colours: Uint8Array.from(palette.flat()),
        dotSpacing: scaledSize(width, height, 9 * random.between(0.8, 1.25), 4),
        edgeThreshold: random.between(2.5, 4),
      },
    });
    return { data, width, height, channels: 3 };
  },
};
