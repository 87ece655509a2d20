import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import { fromRaw, toRawImage, toRawPlane } from '../sharp-stage.ts';
import type { NightGradeParameters } from '../kernels/night-grade.ts';
import type { Recipe, RecipeContext } from './recipe.ts';

/** Moonlight colour casts (RGB gains): blue, teal and violet nights. */
const moonlightTints: ReadonlyArray<[number, number, number]> = [
  [0.66, 0.82, 1.18],
  [0.58, 0.9, 1.08],
  [0.72, 0.75, 1.2],
];

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
    const maps = await context.pool.run<{ data: Uint8Array; sky: Uint8Array }>(
      { module: 'kernels/background-matte.ts', exportName: 'estimateBackgroundMatte', input: { image: small.data, width: smallWidth, height: smallHeight } },
      context.signal,
    );
    const upscale = async (plane: Uint8Array) => {
      const soft = await toRawPlane(fromRaw({ data: plane, width: smallWidth, height: smallHeight }).blur(1.2));
      return toRawPlane(fromRaw(soft).resize(width, height, { kernel: 'cubic' }));
    };
    const [matte, sky] = await Promise.all([upscale(maps.data), upscale(maps.sky)]);
    const shorter = Math.min(width, height);
    const data = await runInBands<NightGradeParameters>(context.pool, { module: 'kernels/night-grade.ts', exportName: 'nightGradeBand' }, {
      width, height, halo: 0, outputChannels: 3, signal: context.signal,
      sources: { image: { data: image.data, channels: 3 }, matte: { data: matte.data, channels: 1 }, sky: { data: sky.data, channels: 1 } },
      parameters: {
        foregroundExposure: random.between(0.58, 0.75),
        backgroundExposure: random.between(0.12, 0.2),
        colourKept: random.between(0.35, 0.5),
        tint: random.pick(moonlightTints),
        starDensity: random.between(0.0008, 0.002),
        ...placeMoon(maps.sky, smallWidth, smallHeight, scale, shorter * random.between(0.03, 0.045), context),
        noiseSeed: random.nextSeed(),
      },
    });
    return { data, width, height, channels: 3 };
  },
};

/**
 * Picks a moon position among seeded candidates in the upper part of the frame where the sky map is clearest, so
 * the moon never sits on the subject; no moon when no candidate is open sky.
 */
function placeMoon(matte: Uint8Array, width: number, height: number, scale: number, radius: number, context: RecipeContext): { moonX: number; moonY: number; moonRadius: number } {
  let best = { moonX: 0, moonY: 0, moonRadius: 0 };
  let bestClearance = 200;
  const reach = Math.max(1, Math.ceil(radius * scale * 2));
  for (let candidate = 0; candidate < 12; candidate++) {
    const x = Math.floor(context.random.between(0.1, 0.9) * width);
    const y = Math.floor(context.random.between(0.05, 0.3) * height);
    let clearance = 255;
    for (let dy = -reach; dy <= reach; dy++) {
      for (let dx = -reach; dx <= reach; dx++) {
        const sampleX = Math.min(width - 1, Math.max(0, x + dx));
        const sampleY = Math.min(height - 1, Math.max(0, y + dy));
        clearance = Math.min(clearance, matte[sampleY * width + sampleX]);
      }
    }
    if (clearance > bestClearance) {
      bestClearance = clearance;
      best = { moonX: (x + 0.5) / scale, moonY: (y + 0.5) / scale, moonRadius: radius };
    }
  }
  return best;
}
