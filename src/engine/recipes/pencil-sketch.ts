import type { RawImage } from '../raw-image.ts';
import { runInBands } from '../run-in-bands.ts';
import { fromRaw, toRawPlane } from '../sharp-stage.ts';
import type { PencilSketchParameters } from '../kernels/pencil-sketch.ts';
import type { Recipe, RecipeContext } from './recipe.ts';
import { scaledSize } from './recipe-scale.ts';

/**
 * Pencil sketch: colour-dodge lines (grey ÷ blurred grey) plus seeded hatching for tone on slightly warm paper.
 * The seed varies hatch angle, stroke length, line weight and the stroke pattern.
 */
export const pencilSketch: Recipe = {
  id: 'pencil-sketch',
  kind: 'style',
  name: 'Pencil sketch',
  description: 'A graphite drawing: clean outlines with hatched shading on paper.',
  keywords: {
    en: ['pencil sketch', 'sketch', 'pencil', 'pencil drawing', 'drawing', 'line drawing', 'graphite', 'hand drawn', 'hand-drawn'],
    zh: ['素描', '铅笔', '铅笔画', '速写', '线稿', '手绘'],
  },
  examplePrompts: { en: ['Convert to sketch style'], zh: ['转换为素描风格'] },
  async render(image: RawImage, context: RecipeContext): Promise<RawImage> {
    const { width, height } = image;
    const { random } = context;
    const grey = await toRawPlane(fromRaw(image).greyscale());
    const blurred = await toRawPlane(fromRaw(grey).blur(scaledSize(width, height, 9 * random.between(0.8, 1.2), 3)));
    const data = await runInBands<PencilSketchParameters>(context.pool, { module: 'kernels/pencil-sketch.ts', exportName: 'pencilSketchBand' }, {
      width, height, halo: 0, outputChannels: 3, signal: context.signal,
      sources: { grey: { data: grey.data, channels: 1 }, blurred: { data: blurred.data, channels: 1 } },
      parameters: {
        lineWeight: random.between(2.2, 3.2),
        shading: random.between(0.3, 0.45),
        hatchAngle: random.between(0.6, 1.1),
        strokeLength: scaledSize(width, height, 40 * random.between(0.7, 1.4), 8),
        noiseSeed: random.nextSeed(),
        paper: [250, 247, 240],
      },
    });
    return { data, width, height, channels: 3 };
  },
};
