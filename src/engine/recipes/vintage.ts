import type { RawImage } from '../raw-image.ts';
import { fromRaw, toRawImage } from '../sharp-stage.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { applyFilmGrade } from './film-grade-recipe.ts';
import { scaledSize } from './recipe-scale.ts';

/**
 * Sepia toning as a colour matrix: luminance times a warm paper tint (cream, brown, faded), plus a little of the
 * original colour. Tints stay at or below 1.08 in red and fall off to blue, so whites become cream, never green.
 */
function toningMatrix(tint: [number, number, number], colourKept: number): number[] {
  const weights = [0.299, 0.587, 0.114];
  const matrix: number[] = [];
  for (let row = 0; row < 3; row++) {
    for (let column = 0; column < 3; column++) {
      matrix.push(tint[row] * weights[column] * (1 - colourKept) + (row === column ? colourKept : 0));
    }
  }
  return matrix;
}

const sepiaTints: ReadonlyArray<[number, number, number]> = [
  [1.07, 0.95, 0.76],
  [1.08, 0.92, 0.68],
  [1.04, 0.97, 0.84],
];

/**
 * Vintage / sepia: a slight lens softness (libvips blur), then sepia toning, faded blacks and dimmed whites,
 * vignette, grain, dust and a few scratches in one worker pass. The seed picks the toning, the fade and the wear.
 */
export const vintage: Recipe = {
  id: 'vintage',
  kind: 'style',
  name: 'Vintage sepia',
  description: 'An old faded photograph: sepia toning, lifted blacks, vignette, grain, dust and scratches.',
  keywords: {
    en: ['vintage', 'sepia', 'retro', 'old photo', 'old photograph', 'old-fashioned', 'old fashioned', 'antique', 'aged', 'nostalgic', 'faded'],
    zh: ['复古', '怀旧', '老照片', '旧照片', '泛黄', '棕褐', '年代感', '做旧'],
  },
  examplePrompts: { en: ['Make it look like a vintage sepia photo'], zh: ['改为复古老照片风格'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const { width, height } = image;
    const { random } = context;
    const softened = await toRawImage(fromRaw(image).blur(scaledSize(width, height, 0.9, 0.5)));
    const scratchCount = random.integerBetween(1, 4);
    return applyFilmGrade(softened, {
      matrix: toningMatrix(random.pick(sepiaTints), random.between(0.05, 0.2)),
      blackPoint: random.between(22, 40),
      whitePoint: random.between(225, 240),
      contrast: random.between(-0.15, 0.1),
      vignette: random.between(0.28, 0.45),
      grain: random.between(7, 12),
      grainSize: scaledSize(width, height, 1.6, 1),
      dust: random.between(0.00005, 0.00025),
      scratches: Array.from({ length: scratchCount }, () => random.between(0, width)),
      noiseSeed: random.nextSeed(),
    }, context);
  },
};
