import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import type { FilmGradeParameters } from '../kernels/film-grade.ts';
import type { RecipeContext } from './recipe.ts';

/** Runs the film-grade kernel (colour matrix, curve, vignette, grain, wear) in the worker pool. */
export async function applyFilmGrade(image: RawImage, parameters: FilmGradeParameters, context: RecipeContext): Promise<RawImage> {
  const data = await runInBands<FilmGradeParameters>(context.pool, { module: 'kernels/film-grade.ts', exportName: 'filmGradeBand' }, {
    width: image.width, height: image.height, halo: 0, outputChannels: 3, signal: context.signal,
    sources: { image: { data: image.data, channels: 3 } },
    parameters,
  });
  return { data, width: image.width, height: image.height, channels: 3 };
}

/** A matrix that outputs the same weighted grey in all three channels. */
export function greyMatrix(red: number, green: number, blue: number): number[] {
  return [red, green, blue, red, green, blue, red, green, blue];
}
