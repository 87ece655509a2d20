import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import type { VibranceParameters } from '../kernels/vibrance.ts';
import type { Recipe, RecipeContext } from './recipe.ts';

/** More colours: vibrance (dull colours gain the most) plus a mild contrast curve. The seed varies the amounts. */
export const moreColours: Recipe = {
  id: 'more-colours',
  kind: 'edit',
  name: 'More colours',
  description: 'Makes colours richer and more vivid, lifting dull areas most so skin and skies do not clip.',
  keywords: {
    en: ['more colors', 'more colours', 'more color', 'more colour', 'colorful', 'colourful', 'vivid', 'vibrant', 'saturated', 'saturate', 'more saturation', 'increase saturation', 'richer colors', 'richer colours', 'add colors', 'add colours', 'add color', 'add colour', 'brighter colors', 'brighter colours'],
    zh: ['色彩', '更多颜色', '颜色更', '鲜艳', '饱和', '多彩', '艳丽', '浓郁'],
  },
  examplePrompts: { en: ['Add more colors'], zh: ['添加更多色彩'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const { random } = context;
    const data = await runInBands<VibranceParameters>(context.pool, { module: 'kernels/vibrance.ts', exportName: 'vibranceBand' }, {
      width: image.width, height: image.height, halo: 0, outputChannels: 3, signal: context.signal,
      sources: { image: { data: image.data, channels: 3 } },
      parameters: { amount: random.between(0.9, 1.5), baseline: random.between(0.25, 0.45), contrast: random.between(0.1, 0.25) },
    });
    return { data, width: image.width, height: image.height, channels: 3 };
  },
};
