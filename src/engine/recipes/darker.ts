import type { RawImage } from '../raw-image.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { meanLuminance } from './image-statistics.ts';
import { applyLookupTable, exposureDrop, lookupTable } from './tone-curve-recipe.ts';

/**
 * Darker: a power curve x^k solved from the mean luminance (mid-tones drop by about a third, white stays white so
 * the picture does not turn muddy grey). The seed varies the amount and a slight tint.
 */
export const darker: Recipe = {
  id: 'darker',
  kind: 'edit',
  name: 'Darker',
  description: 'Lowers exposure and deepens mid-tones and shadows while keeping highlights.',
  keywords: {
    en: ['darker', 'darken', 'dim', 'dimmer', 'less bright', 'reduce brightness', 'lower brightness', 'decrease brightness', 'underexposed', 'moody'],
    zh: ['更暗', '变暗', '调暗', '暗一点', '暗一些', '暗些', '压暗', '降低亮度', '减少亮度', '减弱亮度', '昏暗', '暗调'],
  },
  examplePrompts: { en: ['Make the image darker'], zh: ['让图像暗一点'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const mean = Math.min(0.95, Math.max(0.05, await meanLuminance(image)));
    const target = mean * (1 - context.random.between(0.3, 0.42));
    const exponent = Math.log(target) / Math.log(mean);
    const tint = context.random.between(-0.05, 0.05);
    const table = lookupTable(exposureDrop(exponent * (1 - tint)), exposureDrop(exponent), exposureDrop(exponent * (1 + tint)));
    return applyLookupTable(image, table, context);
  },
};
