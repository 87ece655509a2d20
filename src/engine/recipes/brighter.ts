import type { RawImage } from '../raw-image.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { meanLuminance } from './image-statistics.ts';
import { applyLookupTable, exposureLift, lookupTable } from './tone-curve-recipe.ts';

/**
 * Brighter: an exposure-style lift 1 − (1 − x)^k whose k is solved from the image's mean luminance, so dark photos
 * get more lift than bright ones and highlights roll off instead of clipping. The seed varies the amount and a
 * slight warm/cool balance.
 */
export const brighter: Recipe = {
  id: 'brighter',
  kind: 'edit',
  name: 'Brighter',
  description: 'Lifts exposure and shadows without clipping highlights; darker photos get more lift.',
  keywords: {
    en: ['brighter', 'brighten', 'bright', 'lighter', 'lighten', 'more light', 'increase brightness', 'more exposure', 'well lit'],
    zh: ['明亮', '更亮', '变亮', '调亮', '提亮', '亮一点', '亮一些', '亮些', '提高亮度', '增加亮度', '增强亮度', '加亮'],
  },
  examplePrompts: { en: ['Make the image brighter'], zh: ['使图像更加明亮'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const mean = Math.min(0.9, Math.max(0.05, await meanLuminance(image)));
    const lift = context.random.between(0.28, 0.42);
    const target = mean + (1 - mean) * lift;
    const exponent = Math.log(1 - target) / Math.log(1 - mean);
    const balance = context.random.between(-0.06, 0.06);
    const table = lookupTable(exposureLift(exponent * (1 + balance)), exposureLift(exponent), exposureLift(exponent * (1 - balance)));
    return applyLookupTable(image, table, context);
  },
};
