/**
 * The one rule for "length in characters": Unicode code points, the unit JSON Schema's `maxLength` (and so the
 * OpenAPI document) uses and the unit the provider specs mean by "characters" (DashScope, StepFun, OpenAI; Tencent
 * says "UTF-8 characters"). An emoji or a CJK Extension B character is one character, though `string.length`
 * counts it as two UTF-16 units; a lone surrogate counts as one. The zod schemas keep zod's `.max()`, which counts
 * the same way since zod 4.6.7 (colinhacks/zod#6441); `character-length.test.ts` pins that agreement.
 */

/**
 * Length of `text` in characters (code points). Counts without allocating, unlike `[...text].length`.
 *
 * @example characterLength('😀😀') // 2, where '😀😀'.length is 4
 */
export function characterLength(text: string): number {
  let length = text.length;
  for (let index = 0; index < text.length - 1; index += 1) {
    if (isSurrogatePairAt(text, index)) {
      length -= 1;
      index += 1;
    }
  }
  return length;
}

/**
 * Whether `text` has at most `maxLength` characters. A character is one or two UTF-16 units, so most texts are
 * settled by `text.length` alone; only one between `maxLength` and twice it is counted.
 */
export function fitsCharacterLimit(text: string, maxLength: number): boolean {
  if (text.length <= maxLength) return true;
  if (text.length > 2 * maxLength) return false;
  return characterLength(text) <= maxLength;
}

/** The "expected" half of the parameter sentence for a text limit, naming the unit: "at most 800 characters". */
export function atMostCharacters(maxLength: number): string {
  return `at most ${maxLength} characters`;
}

/**
 * `text` cut to at most `maxLength` characters for a message, ending in `...` when it was cut: the one way error
 * messages shorten text from clients and providers, never leaving half of a surrogate pair.
 *
 * @example shortenText('a'.repeat(100), 60) // 57 × 'a' + '...'
 */
export function shortenText(text: string, maxLength: number): string {
  return fitsCharacterLimit(text, maxLength) ? text : `${leadingCharacters(text, maxLength - 3)}...`;
}

/** The first `count` characters of `text`, never half of a surrogate pair; all of `text` when it is shorter. */
export function leadingCharacters(text: string, count: number): string {
  let end = 0;
  for (let taken = 0; taken < count && end < text.length; taken += 1) end += isSurrogatePairAt(text, end) ? 2 : 1;
  return text.slice(0, end);
}

function isSurrogatePairAt(text: string, index: number): boolean {
  return (text.charCodeAt(index) & 0xfc00) === 0xd800 && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00;
}
