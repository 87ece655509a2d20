import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import { fromRaw, toRawPlane } from '../sharp-stage.ts';
import type { OilPaintFinishParameters } from '../kernels/oil-paint-finish.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { scaledSize } from './recipe-scale.ts';
import { kuwaharaSmooth } from './smoothing.ts';

/**
 * Oil painting: a smoothed Kuwahara filter (summed-area tables, in the worker pool) flattens the photo into
 * paint patches with crisp borders; a second kernel smears bristle noise along the edges and lights the result as
 * a height field, so brush strokes and impasto ridges show. The seed varies brush size, stroke texture, light
 * direction and saturation.
 */
export const oilPainting: Recipe = {
  id: 'oil-painting',
  kind: 'style',
  name: 'Oil painting',
  description: 'Flattens the photo into thick, directional brush strokes with visible impasto relief.',
  keywords: {
    en: ['oil painting', 'oil paint', 'oil', 'impasto', 'painterly', 'van gogh'],
    zh: ['油画', '油彩', '厚涂'],
  },
  examplePrompts: { en: ['Convert to oil painting style'], zh: ['改为油画风格'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const { width, height } = image;
    const { random, pool, signal } = context;
    const radius = Math.round(scaledSize(width, height, 7 * random.between(0.85, 1.2), 3));
    const filtered = await kuwaharaSmooth(image, radius, 4, context);
    const guide = await toRawPlane(fromRaw(filtered).greyscale().blur(Math.max(1, radius * 0.8)));
    const strokeHalfLength = Math.round(scaledSize(width, height, 9 * random.between(0.8, 1.25), 3));
    const painted = await runInBands<OilPaintFinishParameters>(pool, { module: 'kernels/oil-paint-finish.ts', exportName: 'oilPaintFinishBand' }, {
      width, height, halo: strokeHalfLength + 2, outputChannels: 3, signal,
      sources: { image: { data: filtered.data, channels: 3 }, guide: { data: guide.data, channels: 1 } },
      parameters: {
        strokeHalfLength,
        bristleWidth: scaledSize(width, height, 1.6, 1),
        noiseSeed: random.nextSeed(),
        saturation: random.between(1.15, 1.35),
        relief: random.between(90, 130),
        lightAngle: random.between(-2.6, -2.0),
      },
    });
    return { data: painted, width, height, channels: 3 };
  },
};
