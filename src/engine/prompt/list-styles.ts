import type { StyleDescription } from '../engine-types.ts';
import { catalogue } from '../recipes/catalogue.ts';

/**
 * The catalogue as `GET /v1/styles` lists it: id, kind, name, description, example prompts and keywords in English
 * and Chinese. Plain data, safe to serialise; callers get fresh arrays they may modify.
 */
export function listStyles(): StyleDescription[] {
  return catalogue.map((recipe) => ({
    id: recipe.id,
    kind: recipe.kind,
    name: recipe.name,
    description: recipe.description,
    examplePrompts: { en: [...recipe.examplePrompts.en], zh: [...recipe.examplePrompts.zh] },
    keywords: { en: [...recipe.keywords.en], zh: [...recipe.keywords.zh] },
  }));
}
