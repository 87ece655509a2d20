import type { RawImage } from '../raw-image.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { applyLookupTable, exposureDrop, exposureLift, lookupTable } from './tone-curve-recipe.ts';

/** Warmer: a white-balance shift towards amber (red lifted, blue lowered), like a "golden hour" grade. */
export const warmer: Recipe = {
  id: 'warmer',
  kind: 'edit',
  name: 'Warmer',
  description: 'Shifts the white balance towards amber and gold, like late-afternoon light.',
  keywords: {
    en: ['warmer', 'warm', 'warm tone', 'warm tones', 'warmth', 'golden hour', 'golden', 'sunset tones'],
    zh: ['暖色', '暖色调', '更暖', '温暖', '暖调', '暖一点', '暖一些', '金色', '夕阳色调'],
  },
  examplePrompts: { en: ['Give it warmer tones'], zh: ['改为暖色调'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const amount = context.random.between(0.22, 0.34);
    const greenShare = context.random.between(0.2, 0.45);
    const table = lookupTable(exposureLift(1 + amount), exposureLift(1 + amount * greenShare), exposureDrop(1 + amount * 1.4));
    return applyLookupTable(image, table, context);
  },
};
