import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import { fromRaw, toRawImage, toRawPlane } from '../sharp-stage.ts';
import type { NightGradeParameters } from '../kernels/night-grade.ts';
import type { Recipe, RecipeContext } from './recipe.ts';

/**
 * Night ("change background to night"): a background matte is estimated on a ~96-pixel copy (top of frame, sky-like
 * colours, smooth areas, distance from centre), blurred and upscaled by libvips, then a day-for-night grade darkens
 * the background to about a fifth and the subject to about two thirds, with a moonlight tint, stars and a moon in the
 * clear background. The seed places the moon and stars and varies exposure and tint.
 */
export const night: Recipe = {
  id: 'night',
  kind: 'edit',
  name: 'Night',
  description: 'Turns the scene to night: a dark blue sky/background with stars and moon, the subject still readable in moonlight.',
  keywords: {
    en: ['night', 'nighttime', 'night time', 'at night', 'night sky', 'background to night', 'midnight', 'moonlight', 'moonlit', 'starry'],
    zh: ['夜晚', '夜景', '夜间', '夜色', '晚上', '黑夜', '夜空', '月光', '星空', '午夜'],
  },
  examplePrompts: { en: ['Change background to night'], zh: ['改变背景为夜晚'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const { width, height } = image;
    const { random } = context;
    const scale = Math.min(1, 96 / Math.max(width, height));
    const smallWidth = Math.max(1, Math.round(width * scale));
    const smallHeight = Math.max(1, Math.round(height * scale));
    const small = await toRawImage(fromRaw(image).resize(smallWidth, smallHeight, { kernel: 'linear' }));
    const { data: smallMatte } = await context.pool.run<{ data: Uint8Array }>(
      { module: 'kernels/background-matte.ts', exportName: 'estimateBackgroundMatte', input: { image: small.data, width: smallWidth, height: smallHeight } },
      context.signal,
    );
    const softMatte = await toRawPlane(fromRaw({ data: smallMatte, width: smallWidth, height: smallHeight }).blur(1.2));
    const matte = await toRawPlane(fromRaw(softMatte).resize(width, height, { kernel: 'cubic' }));
    const shorter = Math.min(width, height);
    const data = await runInBands<NightGradeParameters>(context.pool, { module: 'kernels/night-grade.ts', exportName: 'nightGradeBand' }, {
      width, height, halo: 0, outputChannels: 3, signal: context.signal,
      sources: { image: { data: image.data, channels: 3 }, matte: { data: matte.data, channels: 1 } },
      parameters: {
        foregroundExposure: random.between(0.6, 0.72),
        backgroundExposure: random.between(0.12, 0.2),
        colourKept: random.between(0.35, 0.5),
        tint: [random.between(0.62, 0.72), random.between(0.78, 0.86), random.between(1.1, 1.25)],
        starDensity: random.between(0.0008, 0.002),
        moonX: width * random.between(0.12, 0.88),
        moonY: height * random.between(0.06, 0.22),
        moonRadius: random.next() < 0.75 ? shorter * random.between(0.03, 0.045) : 0,
        noiseSeed: random.nextSeed(),
      },
    });
    return { data, width, height, channels: 3 };
  },
};
