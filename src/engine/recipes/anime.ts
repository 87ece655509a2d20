import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import type { CelShadeParameters } from '../kernels/cel-shade.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { scaledSize } from './recipe-scale.ts';
import { analyseColours, differenceOfGaussians, kuwaharaSmooth } from './smoothing.ts';

/**
 * Anime cel shading: Kuwahara smoothing, luminance snapped to three flat tone bands placed at the image's own
 * luminance quantiles (so dark and bright photos both get shadow, base and highlight), boosted saturation and thin
 * coloured line art. The seed moves the band boundaries and levels and the line weight.
 */
export const anime: Recipe = {
  id: 'anime',
  kind: 'style',
  name: 'Anime cel shading',
  description: 'Clean saturated colours in flat shadow, base and highlight tones with thin line art, like an anime cel.',
  keywords: {
    en: ['anime', 'manga', 'cel shading', 'cel shaded', 'cel-shaded', 'cel shade', 'ghibli', 'japanese animation'],
    zh: ['动漫', '动画', '二次元', '日漫', '日系动画', '赛璐璐', '宫崎骏', '吉卜力'],
  },
  examplePrompts: { en: ['Turn it into an anime scene with cel shading'], zh: ['改为动漫风格'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const { width, height } = image;
    const { random } = context;
    const smoothed = await kuwaharaSmooth(image, Math.round(scaledSize(width, height, 6, 3)), 4, context);
    const lowQuantile = random.between(0.22, 0.32);
    const highQuantile = random.between(0.72, 0.82);
    const [{ luminanceQuantiles }, { narrow, wide }] = await Promise.all([
      analyseColours(smoothed, 1, [lowQuantile, 0.5, highQuantile], context),
      differenceOfGaussians(smoothed, scaledSize(width, height, 1.6, 0.8)),
    ]);
    const [low, median, high] = luminanceQuantiles;
    const shadow = Math.max(40, low * random.between(0.7, 0.8));
    const base = Math.min(235, Math.max(shadow + 40, median * 1.12 + 12));
    const highlight = Math.min(250, Math.max(base + 25, high * 1.1 + 20));
    const data = await runInBands<CelShadeParameters>(context.pool, { module: 'kernels/cel-shade.ts', exportName: 'celShadeBand' }, {
      width, height, halo: 0, outputChannels: 3, signal: context.signal,
      sources: { image: { data: smoothed.data, channels: 3 }, narrow: { data: narrow.data, channels: 1 }, wide: { data: wide.data, channels: 1 } },
      parameters: {
        thresholds: [(low + median) / 2, (median + high) / 2],
        levels: [shadow, base, highlight],
        saturation: random.between(1.15, 1.35),
        edgeThreshold: random.between(2.5, 4),
        lineDarkness: 0.35,
        shadowTint: [-random.between(4, 12), -random.between(0, 6), random.between(10, 24)],
        highlightWhiten: random.between(0.2, 0.35),
      },
    });
    return { data, width, height, channels: 3 };
  },
};
