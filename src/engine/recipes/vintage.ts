import type { RawImage } from '../raw-image.ts';
import { fromRaw, toRawImage } from '../sharp-stage.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { applyFilmGrade } from './film-grade-recipe.ts';
import { scaledSize } from './recipe-scale.ts';

/** Sepia-style toning matrices (the classic Microsoft/W3C sepia and two weaker, warmer variants). */
const toningMatrices: readonly number[][] = [
  [0.393, 0.769, 0.189, 0.349, 0.686, 0.168, 0.272, 0.534, 0.131],
  [0.42, 0.72, 0.16, 0.34, 0.66, 0.13, 0.22, 0.46, 0.1],
  [0.5, 0.5, 0.1, 0.3, 0.62, 0.1, 0.18, 0.36, 0.26],
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
      matrix: random.pick(toningMatrices),
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
