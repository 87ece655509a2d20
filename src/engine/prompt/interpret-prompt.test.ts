import { describe, expect, it } from 'vitest';
import { catalogue, defaultRecipeIds, findRecipe } from '../recipes/catalogue.ts';
import { interpretPrompt, understoodSummary } from './interpret-prompt.ts';
import { matchKeywords, normalisePrompt } from './keyword-matcher.ts';
import { listStyles } from './list-styles.ts';

const idsOf = (prompt: string | undefined) => interpretPrompt(prompt).recipes.map((recipe) => recipe.id);

describe('interpretPrompt', () => {
  it.each([
    // The AOG notebook's prompts and the suggested Chinese edits.
    ['改为油画风格', 'oil-painting'],
    ['转换为水彩画风格', 'watercolor'],
    ['改为卡通风格', 'cartoon'],
    ['转换为素描风格', 'pencil-sketch'],
    ['增加更多细节', 'more-details'],
    ['改变背景为夜晚', 'night'],
    ['添加更多色彩', 'more-colours'],
    ['使图像更加明亮', 'brighter'],
    // The seed README's English prompts.
    ['Convert to oil painting style', 'oil-painting'],
    ['Transform to watercolor style', 'watercolor'],
    ['Change to cartoon style', 'cartoon'],
    ['Convert to sketch style', 'pencil-sketch'],
    ['Add more details', 'more-details'],
    ['Change background to night', 'night'],
    ['Add more colors', 'more-colours'],
    ['Make the image brighter', 'brighter'],
  ])('maps the seed prompt %s to %s', (prompt, id) => {
    const plan = interpretPrompt(prompt);
    expect(plan.recipes.map((recipe) => recipe.id)).toEqual([id]);
    expect(plan.warnings).toEqual([]);
  });

  it('maps every example prompt of every entry, in both languages, to that entry alone', () => {
    for (const recipe of catalogue) {
      for (const prompt of [...recipe.examplePrompts.en, ...recipe.examplePrompts.zh]) {
        expect({ prompt, ids: idsOf(prompt) }).toEqual({ prompt, ids: [recipe.id] });
      }
    }
  });

  it('maps every keyword on its own to its entry (no keyword is shadowed by another entry)', () => {
    for (const recipe of catalogue) {
      for (const keyword of [...recipe.keywords.en, ...recipe.keywords.zh]) {
        expect({ keyword, ids: idsOf(keyword) }).toEqual({ keyword, ids: [recipe.id] });
      }
    }
  });

  it('combines one style with several edits, style first, edits in prompt order', () => {
    expect(idsOf('watercolor, brighter')).toEqual(['watercolor', 'brighter']);
    expect(idsOf('Make it brighter and add more colors, in watercolour')).toEqual(['watercolor', 'brighter', 'more-colours']);
    expect(idsOf('改为油画风格，并且更加明亮，添加更多色彩')).toEqual(['oil-painting', 'brighter', 'more-colours']);
    expect(idsOf('Change background to night, oil painting')).toEqual(['oil-painting', 'night']);
  });

  it('applies only the first of two styles and says so', () => {
    const plan = interpretPrompt('oil painting or maybe a pencil sketch');
    expect(plan.recipes.map((recipe) => recipe.id)).toEqual(['oil-painting']);
    expect(plan.warnings).toEqual([{ type: 'unsupported', feature: 'prompt', details: 'Only one style applies per image: used oil-painting, ignored pencil-sketch.' }]);
  });

  it('prefers the longest keyword where keywords overlap', () => {
    expect(idsOf('a charcoal sketch')).toEqual(['charcoal']);
    expect(idsOf('炭笔素描')).toEqual(['charcoal']);
    expect(idsOf('降低亮度')).toEqual(['darker']);
    expect(idsOf('brighter colors please')).toEqual(['more-colours']);
  });

  it('matches English keywords as whole words only, in any case and with hyphens or full-width letters', () => {
    expect(idsOf('add a new dimension')).toEqual(defaultRecipeIds);
    expect(idsOf('BLACK-AND-WHITE')).toEqual(['black-and-white']);
    expect(idsOf('ＯＩＬ painting')).toEqual(['oil-painting']);
    expect(idsOf('pixel-art, 8-bit')).toEqual(['pixel-art']);
  });

  it('lets an explicit style replace the prompt\'s style but keeps the prompt\'s edits', () => {
    const plan = interpretPrompt('watercolor, brighter', findRecipe('oil-painting'));
    expect(plan.recipes.map((recipe) => recipe.id)).toEqual(['oil-painting', 'brighter']);
    expect(plan.warnings[0]).toMatchObject({ type: 'unsupported', feature: 'prompt' });
    expect(plan.warnings[0].details).toContain('watercolor was not applied');
    expect(interpretPrompt(undefined, findRecipe('night')).recipes.map((recipe) => recipe.id)).toEqual(['night']);
  });

  it('falls back to the default enhancement with a warning listing what it understands', () => {
    for (const prompt of ['make it look like a dream', '让它更有意境', '', undefined]) {
      const plan = interpretPrompt(prompt);
      expect(plan.usedDefault).toBe(true);
      expect(plan.recipes.map((recipe) => recipe.id)).toEqual(['more-details', 'more-colours']);
      expect(plan.warnings).toHaveLength(1);
      expect(plan.warnings[0].type).toBe('fallback');
      expect(plan.warnings[0].feature).toBe('prompt');
      expect(plan.warnings[0].details).toContain('default enhancement (more-details + more-colours)');
      expect(plan.warnings[0].details).toContain(`Understood: ${understoodSummary}`);
    }
    expect(understoodSummary).toContain('oil-painting ("oil painting" / "油画")');
    expect(interpretPrompt('x'.repeat(500)).warnings[0].details.length).toBeLessThan(1500);
  });
});

describe('matchKeywords', () => {
  it('normalises case, width, hyphens and spaces', () => {
    expect(normalisePrompt('  Ｏil_PAINT-ing   style ')).toBe('oil paint ing style');
  });

  it('returns surviving matches in prompt order with their offsets', () => {
    const matches = matchKeywords('night and oil', [{ entry: 'a', keywords: ['oil'] }, { entry: 'b', keywords: ['night'] }]);
    expect(matches.map(({ entry, start, end }) => ({ entry, start, end }))).toEqual([{ entry: 'b', start: 0, end: 5 }, { entry: 'a', start: 10, end: 13 }]);
  });
});

describe('listStyles', () => {
  it('lists every entry with kind, name, description and bilingual keywords and example prompts', () => {
    const styles = listStyles();
    expect(styles.map((style) => style.id)).toEqual(catalogue.map((recipe) => recipe.id));
    expect(styles.length).toBeGreaterThanOrEqual(14);
    for (const style of styles) {
      expect(style.name.length).toBeGreaterThan(0);
      expect(style.description.length).toBeGreaterThan(10);
      expect(['style', 'edit']).toContain(style.kind);
      expect(style.examplePrompts.en.length).toBeGreaterThan(0);
      expect(style.examplePrompts.zh.length).toBeGreaterThan(0);
      expect(style.keywords.en.length).toBeGreaterThan(0);
      expect(style.keywords.zh.length).toBeGreaterThan(0);
      expect(style.examplePrompts.zh.every((prompt) => /[\u4e00-\u9fff]/.test(prompt))).toBe(true);
    }
    expect(JSON.parse(JSON.stringify(styles))).toEqual(styles);
  });

  it('includes the seeds\' four styles and four edits and at least six more', () => {
    const ids = listStyles().map((style) => style.id);
    for (const id of ['oil-painting', 'watercolor', 'cartoon', 'pencil-sketch', 'more-details', 'night', 'more-colours', 'brighter', 'pixel-art', 'vintage']) {
      expect(ids).toContain(id);
    }
    expect(ids.length - 8).toBeGreaterThanOrEqual(6);
  });
});
