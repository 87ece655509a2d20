import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../raw-image.ts';
import { createSeededRandom } from '../seeded-random.ts';
import {
  distinctColours, edgeDensity, localContrast, luminanceAt, luminanceDeviation, luminanceQuantile, meanAbsoluteDifference,
  meanChannels, meanLuminance, meanSaturation, type Region,
} from '../testing/image-measures.ts';
import { syntheticScene, type SceneLayout } from '../testing/synthetic-scene.ts';
import { WorkerPool } from '../workers/worker-pool.ts';
import { catalogue, findRecipe } from './catalogue.ts';

/**
 * Issue 3, item 6: for each catalogue entry, a property that fails when the effect is missing, measured on a
 * generated scene (sky, textured ground, a textured red subject, black and white patches).
 */
const pool = new WorkerPool(2);
const { image: scene, layout } = syntheticScene();
const rendered = new Map<string, RawImage>();

async function render(id: string, seed = 5, image: RawImage = scene): Promise<RawImage> {
  const recipe = findRecipe(id);
  if (!recipe) throw new Error(`no recipe ${id}`);
  return recipe.render(image, { pool, random: createSeededRandom(seed) });
}

beforeAll(async () => {
  for (const recipe of catalogue) rendered.set(recipe.id, await render(recipe.id));
});
afterAll(() => pool.close());

const output = (id: string): RawImage => rendered.get(id)!;
const sky = (): Region => ({ left: 0, top: 0, width: scene.width, height: Math.floor(layout.horizon * 0.8) });
const subjectCore = (scene: SceneLayout): Region => {
  const half = Math.floor(scene.subject.radius * 0.6);
  return { left: scene.subject.centreX - half, top: scene.subject.centreY - half, width: half * 2, height: half * 2 };
};
const patch = (square: { left: number; top: number; size: number }, inset = 3): Region => ({
  left: square.left + inset, top: square.top + inset, width: square.size - 2 * inset, height: square.size - 2 * inset,
});

/** Standard deviation of red − green: colour noise, independent of luminance texture. */
function chromaDeviation(image: RawImage, region: Region): number {
  const values: number[] = [];
  for (let y = region.top; y < region.top + region.height; y++) {
    for (let x = region.left; x < region.left + region.width; x++) values.push(image.data[(y * image.width + x) * 3] - image.data[(y * image.width + x) * 3 + 1]);
  }
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
}

/** Mean over rows of the luminance deviation within the row (ignores vertical gradients such as a sky's). */
function rowDeviation(image: RawImage, region: Region): number {
  let total = 0;
  for (let y = region.top; y < region.top + region.height; y++) total += luminanceDeviation(image, { left: region.left, top: y, width: region.width, height: 1 });
  return total / region.height;
}

describe('every catalogue entry', () => {
  it('keeps the input size and returns RGB', () => {
    for (const recipe of catalogue) {
      const result = output(recipe.id);
      expect({ id: recipe.id, width: result.width, height: result.height, channels: result.channels, bytes: result.data.length })
        .toEqual({ id: recipe.id, width: scene.width, height: scene.height, channels: 3, bytes: scene.width * scene.height * 3 });
    }
  });

  it('changes the image visibly', () => {
    for (const recipe of catalogue) expect({ id: recipe.id, changed: meanAbsoluteDifference(output(recipe.id), scene) > 4 }).toEqual({ id: recipe.id, changed: true });
  });

  it('looks different from every other entry', () => {
    const ids = catalogue.map((recipe) => recipe.id);
    for (const [index, first] of ids.entries()) {
      for (const second of ids.slice(index + 1)) {
        expect({ pair: `${first} vs ${second}`, distinct: meanAbsoluteDifference(output(first), output(second)) > 3 }).toEqual({ pair: `${first} vs ${second}`, distinct: true });
      }
    }
  });

  it('is deterministic for a seed and varies with the seed', async () => {
    for (const recipe of catalogue) {
      const again = await render(recipe.id, 5);
      const otherSeed = await render(recipe.id, 6);
      expect({ id: recipe.id, same: Buffer.compare(Buffer.from(again.data), Buffer.from(output(recipe.id).data)) === 0 }).toEqual({ id: recipe.id, same: true });
      expect({ id: recipe.id, varies: meanAbsoluteDifference(otherSeed, output(recipe.id)) > 0.5 }).toEqual({ id: recipe.id, varies: true });
    }
  });
});

describe('styles', () => {
  it('oil painting flattens colour noise into paint patches but keeps the subject edge (texture statistics)', () => {
    const result = output('oil-painting');
    const ground: Region = { left: scene.width - 40, top: layout.horizon + 8, width: 36, height: scene.height - layout.horizon - 12 };
    // Kuwahara patches average the colour noise away (the stroke relief is a luminance-only texture), so the spread
    // of red − green inside the textured ground collapses.
    expect(chromaDeviation(result, ground)).toBeLessThan(chromaDeviation(scene, ground) * 0.6);
    // Strokes add structured relief: the texture is not simply blurred away.
    expect(localContrast(result, ground)).toBeGreaterThan(localContrast(scene, ground) * 0.3);
    // …while the subject's border stays sharp (a blur would halve it): compare luminance across the disc's left edge.
    const { centreX, centreY, radius } = layout.subject;
    const edgeStep = (image: RawImage) => Math.abs(meanChannels(image, { left: centreX - radius - 8, top: centreY - 3, width: 5, height: 6 })[0] - meanChannels(image, { left: centreX - radius + 4, top: centreY - 3, width: 5, height: 6 })[0]);
    expect(edgeStep(result)).toBeGreaterThan(edgeStep(scene) * 0.6);
  });

  it('watercolor puts pigment blooms into flat washes and dilutes dark colours towards the paper (texture statistics)', () => {
    const result = output('watercolor');
    const flatSky: Region = { left: 4, top: 4, width: scene.width - 8, height: Math.floor(layout.horizon * 0.5) };
    // Blooms: luminance varies along each row of the evenly lit sky far more than the photo's sensor noise does.
    expect(rowDeviation(result, flatSky)).toBeGreaterThan(rowDeviation(scene, flatSky) * 1.5);
    expect(meanLuminance(result, patch(layout.blackPatch, 6))).toBeGreaterThan(meanLuminance(scene, patch(layout.blackPatch, 6)) + 20);
    // Abstraction: less pixel-level noise in the textured ground than the photo.
    const ground: Region = { left: scene.width - 40, top: layout.horizon + 8, width: 36, height: 30 };
    expect(localContrast(result, ground)).toBeLessThan(localContrast(scene, ground));
  });

  it('cartoon reduces the picture to a few flat colours with dark outlines (colour count)', () => {
    const result = output('cartoon');
    expect(distinctColours(scene)).toBeGreaterThan(8000);
    expect(distinctColours(result)).toBeLessThanOrEqual(15);
    expect(luminanceQuantile(result, 0.01)).toBeLessThan(40);
  });

  it('pencil sketch draws dark lines at edges on light paper, without colour (edge density)', () => {
    const result = output('pencil-sketch');
    expect(meanSaturation(result)).toBeLessThan(0.08);
    expect(luminanceQuantile(result, 0.5)).toBeGreaterThan(170);
    expect(edgeDensity(result, 60)).toBeGreaterThan(0.02);
    // Lines: the subject's outline ring is much darker than the flat sky.
    const { centreX, centreY, radius } = layout.subject;
    const ringLeft: Region = { left: centreX - radius - 2, top: centreY - 4, width: 4, height: 8 };
    expect(meanLuminance(result, ringLeft)).toBeLessThan(meanLuminance(result, sky()) - 40);
  });

  it('charcoal is a grey drawing with heavy dark contours and grainy tone', () => {
    const result = output('charcoal');
    expect(meanSaturation(result)).toBeLessThan(0.1);
    const { centreX, centreY, radius } = layout.subject;
    const ringLeft: Region = { left: centreX - radius - 3, top: centreY - 4, width: 6, height: 8 };
    expect(meanLuminance(result, ringLeft)).toBeLessThan(meanLuminance(result, sky()) - 60);
    expect(luminanceDeviation(result, patch(layout.whitePatch))).toBeGreaterThan(0);
  });

  it('pixel art uses a small palette in square blocks (colour count)', () => {
    const result = output('pixel-art');
    expect(distinctColours(result)).toBeLessThanOrEqual(20);
    let equalNeighbours = 0;
    for (let index = 0; index + 3 < result.data.length; index += 3) {
      if (result.data[index] === result.data[index + 3] && result.data[index + 1] === result.data[index + 4] && result.data[index + 2] === result.data[index + 5]) equalNeighbours++;
    }
    expect(equalNeighbours / (result.data.length / 3)).toBeGreaterThan(0.5);
  });

  it('vintage tones everything sepia (red > green > blue), lifts the blacks and darkens the corners', () => {
    const result = output('vintage');
    const [red, green, blue] = meanChannels(result);
    expect(red).toBeGreaterThan(green);
    expect(green).toBeGreaterThan(blue);
    expect(meanSaturation(result)).toBeLessThan(meanSaturation(scene));
    expect(meanLuminance(result, patch(layout.blackPatch))).toBeGreaterThan(12);
    const corner: Region = { left: 0, top: 0, width: 12, height: 12 };
    const centre: Region = { left: scene.width / 2 - 6, top: 6, width: 12, height: 12 };
    expect(meanLuminance(result, corner)).toBeLessThan(meanLuminance(result, centre));
  });

  it('black and white removes all colour and keeps contrast', () => {
    const result = output('black-and-white');
    for (let index = 0; index < result.data.length; index += 3) {
      if (result.data[index] !== result.data[index + 1] || result.data[index + 1] !== result.data[index + 2]) throw new Error(`pixel ${index / 3} is not grey`);
    }
    expect(luminanceDeviation(result)).toBeGreaterThan(luminanceDeviation(scene) * 0.9);
  });

  it('pop art paints four loud flat colours plus outlines (colour count and saturation)', () => {
    const result = output('pop-art');
    expect(distinctColours(result)).toBeLessThanOrEqual(5);
    expect(meanSaturation(result)).toBeGreaterThan(meanSaturation(scene));
  });

  it('anime cel shading snaps luminance to a few flat tone bands and boosts colour', () => {
    const result = output('anime');
    const histogram = new Array<number>(256).fill(0);
    for (let index = 0; index < result.data.length; index += 3) {
      histogram[Math.round(0.2126 * result.data[index] + 0.7152 * result.data[index + 1] + 0.0722 * result.data[index + 2])]++;
    }
    const counts = (image: RawImage) => {
      const bins = new Array<number>(256).fill(0);
      for (let index = 0; index < image.data.length; index += 3) bins[Math.round(0.2126 * image.data[index] + 0.7152 * image.data[index + 1] + 0.0722 * image.data[index + 2])]++;
      return bins;
    };
    // Share of pixels within the 3 busiest 9-level luminance windows: high for cel shading, low for a photo.
    const concentration = (bins: number[]) => {
      const windows = bins.map((_, level) => bins.slice(Math.max(0, level - 4), level + 5).reduce((sum, count) => sum + count, 0));
      const taken: number[] = [];
      let share = 0;
      for (let pick = 0; pick < 3; pick++) {
        let best = -1;
        for (let level = 0; level < 256; level++) if (!taken.some((other) => Math.abs(other - level) < 9) && (best < 0 || windows[level] > windows[best])) best = level;
        taken.push(best);
        share += windows[best];
      }
      return share / (scene.width * scene.height);
    };
    expect(concentration(histogram)).toBeGreaterThan(0.6);
    expect(concentration(counts(scene))).toBeLessThan(concentration(histogram) - 0.15);
    expect(meanSaturation(result, subjectCore(layout))).toBeGreaterThan(meanSaturation(scene, subjectCore(layout)) * 0.95);
  });
});

describe('edits', () => {
  it('more details raises local contrast', () => {
    expect(localContrast(output('more-details'))).toBeGreaterThan(localContrast(scene) * 1.2);
  });

  it('night darkens the sky much more than the subject, which stays readable, and turns blue', () => {
    const result = output('night');
    const skyRatio = meanLuminance(result, sky()) / meanLuminance(scene, sky());
    const subjectRatio = meanLuminance(result, subjectCore(layout)) / meanLuminance(scene, subjectCore(layout));
    expect(meanLuminance(result)).toBeLessThan(meanLuminance(scene) * 0.65);
    expect(skyRatio).toBeLessThan(subjectRatio * 0.7);
    expect(subjectRatio).toBeGreaterThan(0.4);
    const [red, , blue] = meanChannels(result);
    expect(blue).toBeGreaterThan(red);
    // Stars come out in the open sky, never on the subject.
    const starsIn = (region: Region) => {
      const median = luminanceQuantile(result, 0.5, region);
      let stars = 0;
      for (let y = region.top; y < region.top + region.height; y++) {
        for (let x = region.left; x < region.left + region.width; x++) if (luminanceAt(result, x, y) > median + 60) stars++;
      }
      return stars;
    };
    expect(starsIn(sky())).toBeGreaterThanOrEqual(2);
    expect(starsIn(subjectCore(layout))).toBe(0);
  });

  it('more colours raises saturation', () => {
    expect(meanSaturation(output('more-colours'))).toBeGreaterThan(meanSaturation(scene) * 1.15);
  });

  it('brighter raises luminance without clipping the sky', () => {
    const result = output('brighter');
    expect(meanLuminance(result)).toBeGreaterThan(meanLuminance(scene) * 1.1);
    expect(luminanceQuantile(result, 0.5, sky())).toBeLessThan(254);
  });

  it('darker lowers luminance and keeps white white', () => {
    const result = output('darker');
    expect(meanLuminance(result)).toBeLessThan(meanLuminance(scene) * 0.85);
    expect(meanLuminance(result, patch(layout.whitePatch))).toBeGreaterThan(240);
  });

  it('warmer shifts towards red/amber and cooler towards blue', () => {
    const [red, , blue] = meanChannels(scene);
    const [warmRed, , warmBlue] = meanChannels(output('warmer'));
    const [coolRed, , coolBlue] = meanChannels(output('cooler'));
    expect(warmRed - warmBlue).toBeGreaterThan(red - blue + 10);
    expect(coolBlue - coolRed).toBeGreaterThan(blue - red + 10);
  });
});
