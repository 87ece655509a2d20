import type { z } from 'zod';
import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import { atMostCharacters } from '../../text/character-length.ts';

/**
 * Validates a provider's options (`provider_options.<provider>` in the request) against an adapter's zod schema and turns the first problem into the
 * standard 400: `Expected <what> for provider_options.<provider>.<option> but received <value>`. Nothing is
 * clamped or dropped: an unknown option is an error too (strict schemas), so typos never pass silently.
 *
 * @param prefix the parameter path shown to the caller, e.g. `provider_options.aliyun`
 * @throws GatewayError `parameter_invalid`
 */
export function parseProviderOptions<Schema extends z.ZodType>(schema: Schema, value: unknown, prefix: string): z.output<Schema> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    throw new GatewayError('parameter_invalid', {
      parameter: [prefix, ...path, issue.keys[0]].join('.'),
      expected: 'no such option (see GET /v1/models for the options this model takes)',
      received: describeReceived(valueAt(value, [...path, issue.keys[0]])),
    });
  }
  throw new GatewayError('parameter_invalid', {
    parameter: [prefix, ...path].join('.'),
    expected: describeExpectation(issue),
    received: describeReceived(valueAt(value, path)),
  });
}

function describeExpectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `at least ${issue.minimum} ${issue.origin === 'array' ? 'items' : 'characters'}`
        : `a number ${issue.inclusive ? '≥' : '>'} ${issue.minimum}`;
    case 'too_big':
      // zod counts a string's .max() in code points, the unit atMostCharacters names.
      if (issue.origin === 'string') return atMostCharacters(Number(issue.maximum));
      return issue.origin === 'array' ? `at most ${issue.maximum} items` : `a number ${issue.inclusive ? '≤' : '<'} ${issue.maximum}`;
    case 'invalid_value':
      return `one of: ${issue.values.map((allowed) => String(allowed)).join(', ')}`;
    case 'invalid_type':
      return issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`;
    default:
      return issue.message;
  }
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
