import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import { fromRaw, toRawImage } from '../sharp-stage.ts';
import type { CartoonShadeParameters } from '../kernels/cartoon-shade.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { scaledSize } from './recipe-scale.ts';
import { analyseColours, differenceOfGaussians, kuwaharaSmooth } from './smoothing.ts';

/**
 * Cartoon: Kuwahara smoothing, a saturation boost, a k-means palette of 10–14 colours (the seed picks k and the initialisation, so
 * variations get different palettes), and bold difference-of-Gaussians outlines. At most k + 1 colours.
 */
export const cartoon: Recipe = {
  id: 'cartoon',
  kind: 'style',
  name: 'Cartoon',
  description: 'Flat areas of a few colours with bold dark outlines, like a comic or animated cartoon.',
  keywords: {
    en: ['cartoon', 'cartoonish', 'cartoony', 'comic', 'comic book', 'comics', 'toon'],
    zh: ['卡通', '漫画', '连环画'],
  },
  examplePrompts: { en: ['Change to cartoon style'], zh: ['改为卡通风格'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const { width, height } = image;
    const { random } = context;
    const radius = Math.round(scaledSize(width, height, 5, 2));
    const flattened = await kuwaharaSmooth(image, radius, 4, context);
    // Cartoons are more saturated than photos; boosting before the palette is chosen also keeps small vivid areas
    // (eyes, signs) from being absorbed into the dominant hue.
    const smoothed = await toRawImage(fromRaw(flattened).modulate({ saturation: random.between(1.3, 1.6) }));
    const [{ palette }, { narrow, wide }] = await Promise.all([
      analyseColours(smoothed, random.integerBetween(10, 14), [], context),
      differenceOfGaussians(smoothed, scaledSize(width, height, 2.2, 1)),
    ]);
    const data = await runInBands<CartoonShadeParameters>(context.pool, { module: 'kernels/cartoon-shade.ts', exportName: 'cartoonShadeBand' }, {
      width, height, halo: 0, outputChannels: 3, signal: context.signal,
      sources: { image: { data: smoothed.data, channels: 3 }, narrow: { data: narrow.data, channels: 1 }, wide: { data: wide.data, channels: 1 } },
      parameters: { palette, edgeThreshold: random.between(2, 3.5), outline: [24, 20, 22] },
    });
    return { data, width, height, channels: 3 };
  },
};
