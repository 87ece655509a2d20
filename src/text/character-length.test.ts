import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { atMostCharacters, characterLength, fitsCharacterLimit, leadingCharacters } from './character-length.ts';

describe('characterLength', () => {
  it('counts code points: an emoji or a CJK Extension B character is one character, not two UTF-16 units', () => {
    expect(characterLength('')).toBe(0);
    expect(characterLength('abc')).toBe(3);
    expect(characterLength('改为油画风格')).toBe(6);
    expect(characterLength('😀')).toBe(1);
    expect(characterLength('𠀀𠀁')).toBe(2);
    expect(characterLength('😀'.repeat(800))).toBe(800);
  });

  it('agrees with [...text].length, lone surrogates included (each is one code point)', () => {
    for (const text of ['a😀b', '\uD83D', '\uDE00', '\uDE00\uD83D', 'x\uD83Dy', '😀\uD83D', '\uD83D😀', '👍🏽', 'e\u0301']) {
      expect(characterLength(text), JSON.stringify(text)).toBe([...text].length);
    }
  });
});

describe('fitsCharacterLimit', () => {
  it('accepts exactly the limit in astral characters and refuses one more', () => {
    expect(fitsCharacterLimit('😀'.repeat(800), 800)).toBe(true);
    expect(fitsCharacterLimit('😀'.repeat(801), 800)).toBe(false);
    expect(fitsCharacterLimit('x'.repeat(800), 800)).toBe(true);
    expect(fitsCharacterLimit('x'.repeat(801), 800)).toBe(false);
    expect(fitsCharacterLimit('', 0)).toBe(true);
  });
});

describe('leadingCharacters', () => {
  it('cuts after whole characters, never inside a surrogate pair', () => {
    expect(leadingCharacters('😀'.repeat(65), 57)).toBe('😀'.repeat(57));
    expect(leadingCharacters('a😀b', 2)).toBe('a😀');
    expect(leadingCharacters('abc', 10)).toBe('abc');
    expect(leadingCharacters('abc', 0)).toBe('');
  });
});

describe('zod string limits (the request and provider-option schemas)', () => {
  // The schemas keep zod's own .max(): since 4.6.7 it counts code points too (colinhacks/zod#6441) and still emits
  // maxLength. This pins that agreement, so a zod that went back to UTF-16 units fails here first.
  it('count the same characters as fitsCharacterLimit', () => {
    for (const text of ['😀'.repeat(64), '😀'.repeat(65), '𠀀'.repeat(63) + 'ab', 'x'.repeat(65), '\uD83D'.repeat(64)]) {
      expect(z.string().max(64).safeParse(text).success, JSON.stringify(text)).toBe(fitsCharacterLimit(text, 64));
    }
  });

  it('the unit is named in the message', () => {
    expect(atMostCharacters(800)).toBe('at most 800 characters');
  });
});
