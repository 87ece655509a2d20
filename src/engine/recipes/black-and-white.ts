import type { RawImage } from '../raw-image.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { applyFilmGrade, greyMatrix } from './film-grade-recipe.ts';
import { scaledSize } from './recipe-scale.ts';

/**
 * Channel mixes that imitate lens filters on panchromatic film: neutral, yellow (darker skies), red (dramatic
 * skies, bright skin), green (darker skin, bright foliage).
 */
const filterMixes: readonly [number, number, number][] = [
  [0.3, 0.59, 0.11],
  [0.45, 0.5, 0.05],
  [0.65, 0.3, 0.05],
  [0.2, 0.7, 0.1],
];

/**
 * Black and white: a filter-like channel mix (the seed picks the filter), a punchy S-curve, a light vignette and
 * fine grain, like a print from black-and-white film rather than a flat desaturation.
 */
export const blackAndWhite: Recipe = {
  id: 'black-and-white',
  kind: 'style',
  name: 'Black and white',
  description: 'A contrasty monochrome print with a film-filter channel mix and fine grain.',
  keywords: {
    en: ['black and white', 'black & white', 'b&w', 'monochrome', 'greyscale', 'grayscale', 'noir', 'remove colors', 'remove colours', 'no color', 'no colour', 'desaturate', 'colorless', 'colourless'],
    zh: ['黑白', '单色', '灰度', '去色', '去掉色彩', '去除颜色', '去掉颜色', '无色彩'],
  },
  examplePrompts: { en: ['Make it black and white'], zh: ['转换为黑白照片'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const { random } = context;
    const [red, green, blue] = random.pick(filterMixes);
    return applyFilmGrade(image, {
      matrix: greyMatrix(red, green, blue),
      blackPoint: random.between(0, 6),
      whitePoint: 255,
      contrast: random.between(0.3, 0.55),
      vignette: random.between(0.05, 0.18),
      grain: random.between(3, 6),
      grainSize: scaledSize(image.width, image.height, 1.2, 1),
      dust: 0,
      scratches: [],
      noiseSeed: random.nextSeed(),
    }, context);
  },
};
