import type { RawImage, RawPlane } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import { fromRaw, toRawImage, toRawPlane } from '../sharp-stage.ts';
import type { KuwaharaParameters } from '../kernels/kuwahara.ts';
import type { PaletteAnalysis } from '../kernels/palette-analysis.ts';
import type { RecipeContext } from './recipe.ts';

/** Edge-preserving smoothing shared by the flat-colour styles: Kuwahara on summed-area tables in the worker pool. */
export async function kuwaharaSmooth(image: RawImage, radius: number, sharpness: 2 | 4, context: RecipeContext): Promise<RawImage> {
  const data = await runInBands<KuwaharaParameters>(context.pool, { module: 'kernels/kuwahara.ts', exportName: 'kuwaharaBand' }, {
    width: image.width, height: image.height, halo: radius, outputChannels: 3, signal: context.signal,
    sources: { image: { data: image.data, channels: 3 } },
    parameters: { radius, sharpness },
  });
  return { data, width: image.width, height: image.height, channels: 3 };
}

/**
 * The two luminance blurs of a difference-of-Gaussians edge detector (σ and 1.6σ, the usual ratio), plus the
 * unblurred luminance they start from, for recipes that need it too.
 */
export async function differenceOfGaussians(image: RawImage, sigma: number): Promise<{ grey: RawPlane; narrow: RawPlane; wide: RawPlane }> {
  const grey = await toRawPlane(fromRaw(image).greyscale());
  const [narrow, wide] = await Promise.all([toRawPlane(fromRaw(grey).blur(sigma)), toRawPlane(fromRaw(grey).blur(sigma * 1.6))]);
  return { grey, narrow, wide };
}

/** k-means palette and luminance quantiles of a copy at most 128 pixels on its long side of the image, in one worker call. */
export async function analyseColours(image: RawImage, colours: number, quantiles: number[], context: RecipeContext): Promise<PaletteAnalysis> {
  const scale = Math.min(1, 128 / Math.max(image.width, image.height));
  const small = await toRawImage(fromRaw(image).resize(Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale)), { kernel: 'linear' }));
  return context.pool.run<PaletteAnalysis>(
    { module: 'kernels/palette-analysis.ts', exportName: 'analysePalette', input: { image: small.data, colours, seed: context.random.nextSeed(), iterations: 6, quantiles } },
    context.signal,
  );
}
