import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import { fromRaw, toRawImage } from '../sharp-stage.ts';
import type { WatercolorFinishParameters } from '../kernels/watercolor-finish.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { scaledSize } from './recipe-scale.ts';
import { kuwaharaSmooth } from './smoothing.ts';

/**
 * Watercolour: the image is abstracted at half resolution (Kuwahara in the worker pool, then a soft upscale so
 * washes have soft, flat interiors), then pigment turbulence, paper grain, edge darkening and wobbly borders are
 * added in one worker pass. The seed changes the blotch pattern, grain and wash strength.
 */
export const watercolor: Recipe = {
  id: 'watercolor',
  kind: 'style',
  name: 'Watercolor',
  description: 'Soft transparent washes with pigment blooms, darker wash borders and paper texture.',
  keywords: {
    en: ['watercolor', 'watercolour', 'watercolors', 'watercolours', 'water color', 'water colour', 'aquarelle', 'gouache'],
    zh: ['水彩', '水彩画', '淡彩'],
  },
  examplePrompts: { en: ['Transform to watercolor style'], zh: ['转换为水彩画风格'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const { width, height } = image;
    const { random, pool, signal } = context;
    const smallWidth = Math.max(1, Math.round(width / 2));
    const smallHeight = Math.max(1, Math.round(height / 2));
    // Pigments are purer than a photo's colours: a saturation lift before abstraction keeps washes from going grey.
    const small = await toRawImage(fromRaw(image).resize(smallWidth, smallHeight, { kernel: 'linear' }).modulate({ saturation: 1.25 }));
    const radius = Math.round(scaledSize(smallWidth, smallHeight, 8 * random.between(0.8, 1.2), 2));
    const abstracted = await kuwaharaSmooth(small, radius, 2, context);
    const washes = await toRawImage(
      fromRaw(abstracted).resize(width, height, { kernel: 'cubic' }).blur(scaledSize(width, height, 1.5, 0.8)),
    );
    const wobble = Math.round(scaledSize(width, height, 3, 1));
    const data = await runInBands<WatercolorFinishParameters>(pool, { module: 'kernels/watercolor-finish.ts', exportName: 'watercolorFinishBand' }, {
      width, height, halo: wobble + 2, outputChannels: 3, signal,
      sources: { image: { data: washes.data, channels: 3 } },
      parameters: {
        blotchScale: scaledSize(width, height, 90 * random.between(0.7, 1.3), 12),
        blotchStrength: random.between(0.45, 0.7),
        grainStrength: random.between(0.25, 0.4),
        edgeDarkening: random.between(5, 8),
        dilution: random.between(0.78, 0.88),
        wobble,
        noiseSeed: random.nextSeed(),
      },
    });
    return { data, width, height, channels: 3 };
  },
};
