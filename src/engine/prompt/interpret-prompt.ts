import type { Warning } from '../../providers/spec/warning.ts';
import { catalogue, defaultRecipeIds, findRecipe } from '../recipes/catalogue.ts';
import type { Recipe } from '../recipes/recipe.ts';
import { matchKeywords } from './keyword-matcher.ts';

/** What the engine will do for one prompt (and optional explicit style). */
export interface PromptPlan {
  /** Recipes to run in order: at most one style first, then edits in the order the prompt names them. */
  recipes: Recipe[];
  warnings: Warning[];
  /** True when nothing was understood and the default enhancement was chosen. */
  usedDefault: boolean;
}

const keywordTable = catalogue.map((recipe) => ({ entry: recipe, keywords: [...recipe.keywords.en, ...recipe.keywords.zh] }));

/** "oil-painting (oil painting / 油画), …": what the engine understands, for fallback warnings and docs. */
export const understoodSummary: string = catalogue
  .map((recipe) => `${recipe.id} ("${recipe.keywords.en[0]}" / "${recipe.keywords.zh[0]}")`)
  .join(', ');

/**
 * Turns a free-text prompt (English and/or Chinese) into catalogue recipes. A prompt may name one style and any
 * number of edits ("watercolor, brighter", "改为油画风格，更明亮"). A second style is ignored with a warning. When
 * `explicitStyle` is given (already validated), it replaces whatever style the prompt names; the prompt's edits
 * still apply. Nothing understood → the default enhancement plus a `fallback` warning listing what is understood.
 *
 * @example interpretPrompt('Transform to watercolor style, brighter').recipes.map((recipe) => recipe.id)
 *   // → ['watercolor', 'brighter']
 */
export function interpretPrompt(prompt: string | undefined, explicitStyle?: Recipe): PromptPlan {
  const warnings: Warning[] = [];
  const matches = prompt ? matchKeywords(prompt, keywordTable) : [];
  let style: Recipe | undefined = explicitStyle;
  const edits: Recipe[] = [];
  for (const { entry } of matches) {
    if (entry === style || edits.includes(entry)) continue;
    if (entry.kind === 'edit') {
      edits.push(entry);
    } else if (!style) {
      style = entry;
    } else {
      warnings.push({
        type: 'unsupported',
        feature: 'prompt',
        details: explicitStyle
          ? `The style field (${explicitStyle.id}) wins over the prompt, which also names ${entry.id}; ${entry.id} was not applied.`
          : `Only one style applies per image: used ${style.id}, ignored ${entry.id}.`,
      });
    }
  }
  const recipes = style ? [style, ...edits] : edits;
  if (recipes.length > 0) return { recipes, warnings, usedDefault: false };
  const fallback = defaultRecipeIds.map((id) => findRecipe(id)!);
  const asked = prompt?.trim() ? `The prompt "${shorten(prompt.trim())}" names no catalogue entry` : 'No prompt or style was given';
  warnings.push({
    type: 'fallback',
    feature: 'prompt',
    details: `${asked}, so the default enhancement (${defaultRecipeIds.join(' + ')}) was applied. Understood: ${understoodSummary}.`,
  });
  return { recipes: fallback, warnings, usedDefault: true };
}

/** Keeps an echoed prompt short (warnings end up in logs and responses). */
function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
