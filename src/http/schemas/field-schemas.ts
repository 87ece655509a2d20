import { z } from '@hono/zod-openapi';
import { atMostCharacters } from '../../text/character-length.ts';

/**
 * Field builders whose error message is the "expected" half of the one parameter sentence
 * ("Expected <expected> for <parameter> but received <value>"), so every range error reads the same.
 */
export function integerBetween(minimum: number, maximum: number) {
  const expected = `an integer between ${minimum} and ${maximum}`;
  return z.number({ error: expected }).int({ error: expected }).min(minimum, { error: expected }).max(maximum, { error: expected });
}

/** A number in (minimum, maximum] — e.g. strength, where 0 would mean "no change" and is refused. */
export function numberAboveUpTo(minimum: number, maximum: number) {
  const expected = `a number greater than ${minimum} and at most ${maximum}`;
  return z.number({ error: expected }).gt(minimum, { error: expected }).max(maximum, { error: expected });
}

export function oneOf<const Values extends readonly [string, ...string[]]>(values: Values) {
  return z.enum(values, { error: `one of: ${values.join(', ')}` });
}

/**
 * A string of at most `maxLength` characters. zod's `.max()` counts code points (since zod 4.6.7), the same unit
 * as `characterLength` and as the `maxLength` it writes into the OpenAPI document.
 */
export function text(maxLength: number) {
  const expected = `a string of ${atMostCharacters(maxLength)}`;
  return z.string({ error: expected }).max(maxLength, { error: expected });
}

export function booleanField() {
  return z.boolean({ error: 'true or false' });
}

const sizeExpected = 'a size written WxH with both sides 1–10000, e.g. 1024x768';

/** `WxH` with both sides 1–10000. */
export const sizeField = z
  .string({ error: sizeExpected })
  .regex(/^[1-9]\d{0,4}x[1-9]\d{0,4}$/, { error: sizeExpected })
  .refine((value) => value.split('x').every((side) => Number(side) <= 10_000), { error: sizeExpected });

export function parseSize(value: string | undefined): { width: number; height: number } | undefined {
  if (value === undefined) return undefined;
  const [width, height] = value.split('x').map(Number);
  return { width, height };
}
