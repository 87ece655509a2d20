import type { RawImage } from '../raw-image.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { applyLookupTable, exposureDrop, exposureLift, lookupTable } from './tone-curve-recipe.ts';

/** Cooler: a white-balance shift towards blue and teal (blue lifted, red lowered), like overcast or shade light. */
export const cooler: Recipe = {
  id: 'cooler',
  kind: 'edit',
  name: 'Cooler',
  description: 'Shifts the white balance towards blue and teal, like shade or winter light.',
  keywords: {
    en: ['cooler', 'cool tone', 'cool tones', 'cold', 'colder', 'cold tones', 'icy', 'wintry'],
    zh: ['冷色', '冷色调', '更冷', '冷调', '冷一点', '清冷', '冰冷'],
  },
  examplePrompts: { en: ['Give it cooler, bluer tones'], zh: ['改为冷色调'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const amount = context.random.between(0.22, 0.34);
    const greenShare = context.random.between(0.1, 0.4);
    const table = lookupTable(exposureDrop(1 + amount * 1.3), exposureLift(1 + amount * greenShare), exposureLift(1 + amount * 1.2));
    return applyLookupTable(image, table, context);
  },
};
