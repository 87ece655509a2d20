import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import { fromRaw, toRawPlane } from '../sharp-stage.ts';
import type { CharcoalParameters } from '../kernels/charcoal.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { scaledSize } from './recipe-scale.ts';

/**
 * Charcoal: a softened, contrast-stretched grey image becomes heavy contours, massed dark tone, smudged strokes and
 * paper grain in one worker pass. The seed varies stroke direction and length, contrast and the grain.
 */
export const charcoal: Recipe = {
  id: 'charcoal',
  kind: 'style',
  name: 'Charcoal',
  description: 'A bold charcoal drawing: heavy dark contours, smudged strokes and grainy paper.',
  keywords: {
    en: ['charcoal', 'charcoal sketch', 'charcoal drawing', 'conte', 'smudged drawing'],
    zh: ['炭笔', '炭笔画', '炭笔素描', '木炭', '炭画', '碳笔'],
  },
  examplePrompts: { en: ['Make it a charcoal drawing'], zh: ['转换为炭笔画风格'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const { width, height } = image;
    const { random } = context;
    const soft = await toRawPlane(fromRaw(image).greyscale().blur(scaledSize(width, height, 3, 1.2)).normalise({ lower: 2, upper: 98 }));
    const data = await runInBands<CharcoalParameters>(context.pool, { module: 'kernels/charcoal.ts', exportName: 'charcoalBand' }, {
      width, height, halo: 1, outputChannels: 3, signal: context.signal,
      sources: { soft: { data: soft.data, channels: 1 } },
      parameters: {
        edgeGain: random.between(3.5, 5),
        shadowLevel: random.between(0.14, 0.2),
        lightLevel: random.between(0.62, 0.7),
        strokeAngle: random.between(0.5, 1.2),
        strokeLength: scaledSize(width, height, 60 * random.between(0.7, 1.4), 10),
        grainSize: scaledSize(width, height, 2.5, 1.5),
        noiseSeed: random.nextSeed(),
        paper: [238, 234, 226],
        charcoal: [28, 27, 30],
      },
    });
    return { data, width, height, channels: 3 };
  },
};
