import { describe, expect, it } from 'vitest';
import { numberOrUndefined } from './in-process-input.ts';

describe('numberOrUndefined', () => {
  it('reads numbers, and passes an empty or non-numeric flag on as text so validation names it (Number("") is 0)', () => {
    expect(numberOrUndefined('42')).toBe(42);
    expect(numberOrUndefined('0.5')).toBe(0.5);
    expect(numberOrUndefined(undefined)).toBeUndefined();
    expect(numberOrUndefined('')).toBe('');
    expect(numberOrUndefined('  ')).toBe('  ');
    expect(numberOrUndefined('seven')).toBe('seven');
  });
});
