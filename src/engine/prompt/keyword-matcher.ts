/** One keyword occurrence in a prompt. */
export interface KeywordMatch<Entry> {
  entry: Entry;
  keyword: string;
  /** Character offsets in the normalised prompt. */
  start: number;
  end: number;
}

/** Lower case, full-width forms folded (ＯＩＬ → oil), hyphens/underscores as spaces, runs of spaces collapsed. */
export function normalisePrompt(prompt: string): string {
  return prompt.normalize('NFKC').toLowerCase().replace(/[-_]+/g, ' ').replace(/\s+/g, ' ').trim();
}

const hasLatinLetter = /[a-z0-9]/;

/**
 * Finds every keyword of every entry in `prompt`, then keeps only the longest of overlapping matches (so
 * "charcoal sketch" selects charcoal, not pencil sketch, and 降低亮度 selects darker, not a 亮 keyword).
 * Latin keywords match whole words only ("dim" does not match "dimension"); CJK keywords match as substrings,
 * since Chinese has no spaces between words. Returns the surviving matches in prompt order.
 */
export function matchKeywords<Entry>(prompt: string, entries: ReadonlyArray<{ entry: Entry; keywords: readonly string[] }>): KeywordMatch<Entry>[] {
  const text = normalisePrompt(prompt);
  const found: KeywordMatch<Entry>[] = [];
  for (const { entry, keywords } of entries) {
    for (const rawKeyword of keywords) {
      const keyword = normalisePrompt(rawKeyword);
      if (!keyword) continue;
      let from = 0;
      for (;;) {
        const start = text.indexOf(keyword, from);
        if (start < 0) break;
        const end = start + keyword.length;
        from = start + 1;
        if (hasLatinLetter.test(keyword)) {
          const before = start > 0 ? text[start - 1] : ' ';
          const after = end < text.length ? text[end] : ' ';
          if (/[a-z0-9]/.test(before) || /[a-z0-9]/.test(after)) continue;
        }
        found.push({ entry, keyword: rawKeyword, start, end });
      }
    }
  }
  found.sort((first, second) => second.end - second.start - (first.end - first.start) || first.start - second.start);
  const kept: KeywordMatch<Entry>[] = [];
  for (const match of found) {
    if (kept.every((other) => match.end <= other.start || match.start >= other.end)) kept.push(match);
  }
  return kept.sort((first, second) => first.start - second.start);
}
