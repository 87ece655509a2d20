import { anime } from './anime.ts';
import { blackAndWhite } from './black-and-white.ts';
import { brighter } from './brighter.ts';
import { cartoon } from './cartoon.ts';
import { charcoal } from './charcoal.ts';
import { cooler } from './cooler.ts';
import { darker } from './darker.ts';
import { moreColours } from './more-colours.ts';
import { moreDetails } from './more-details.ts';
import { night } from './night.ts';
import { oilPainting } from './oil-painting.ts';
import { pencilSketch } from './pencil-sketch.ts';
import { pixelArt } from './pixel-art.ts';
import { popArt } from './pop-art.ts';
import type { Recipe } from './recipe.ts';
import { vintage } from './vintage.ts';
import { warmer } from './warmer.ts';
import { watercolor } from './watercolor.ts';

/**
 * Every catalogue entry, in the order `GET /v1/styles` and the contact sheet list them: the seeds' four styles,
 * the seeds' four edits, then the rest.
 */
export const catalogue: readonly Recipe[] = [
  oilPainting, watercolor, cartoon, pencilSketch,
  moreDetails, night, moreColours, brighter,
  pixelArt, vintage, charcoal, popArt, blackAndWhite, anime,
  warmer, cooler, darker,
];

const byId = new Map(catalogue.map((recipe) => [recipe.id, recipe]));

/** The entry with this id, or undefined. */
export function findRecipe(id: string): Recipe | undefined {
  return byId.get(id);
}

/** Catalogue ids, for error messages. */
export const catalogueIds: readonly string[] = catalogue.map((recipe) => recipe.id);

/**
 * What the engine applies when a prompt names nothing it knows (or there is no prompt and no style): a mild,
 * safe "enhance" — more detail, then richer colour — rather than an arbitrary artistic style.
 */
export const defaultRecipeIds: readonly string[] = ['more-details', 'more-colours'];
