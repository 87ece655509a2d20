import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import { fromRaw, toRawImage, toRawPlane } from '../sharp-stage.ts';
import type { DetailEnhanceParameters } from '../kernels/detail-enhance.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { scaledSize } from './recipe-scale.ts';

/**
 * More details: unsharp mask for fine texture plus "clarity" (large-radius local contrast), the two blurs done by
 * libvips and the combination in one worker pass. The seed varies the balance between the two.
 */
export const moreDetails: Recipe = {
  id: 'more-details',
  kind: 'edit',
  name: 'More details',
  description: 'Brings out fine texture and local contrast (sharpening plus clarity) without halos or clipping.',
  keywords: {
    en: ['more details', 'more detail', 'add details', 'add detail', 'detailed', 'details', 'detail', 'sharpen', 'sharper', 'sharpness', 'clarity', 'crisp', 'crisper', 'enhance'],
    zh: ['细节', '清晰', '锐化', '更清楚', '锐利', '细腻'],
  },
  examplePrompts: { en: ['Add more details'], zh: ['增加更多细节'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const { width, height } = image;
    const { random } = context;
    const [fine, coarse] = await Promise.all([
      toRawImage(fromRaw(image).blur(scaledSize(width, height, 1.2, 0.8))),
      toRawPlane(fromRaw(image).greyscale().blur(scaledSize(width, height, 14, 4))),
    ]);
    const data = await runInBands<DetailEnhanceParameters>(context.pool, { module: 'kernels/detail-enhance.ts', exportName: 'detailEnhanceBand' }, {
      width, height, halo: 0, outputChannels: 3, signal: context.signal,
      sources: { image: { data: image.data, channels: 3 }, fine: { data: fine.data, channels: 3 }, coarse: { data: coarse.data, channels: 1 } },
      parameters: { sharpen: random.between(1.2, 1.8), clarity: random.between(0.35, 0.6), threshold: 2 },
    });
    return { data, width, height, channels: 3 };
  },
};
