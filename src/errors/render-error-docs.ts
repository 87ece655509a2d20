import { errorAreas } from './catalogue.ts';
import type { ErrorArea, ErrorSpec } from './error-spec.ts';

const areaTitles: Record<ErrorArea, string> = {
  request: 'Request and parameters',
  input: 'Inputs (images and masks)',
  routing: 'Models and providers',
  engine: 'Embedded engine',
  storage: 'Stored files',
  task: 'Tasks',
  provider: 'Cloud providers (upstream)',
  server: 'Server',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The markdown of docs/errors.md: one table per area (Code | HTTP | business_code | Retryable | When | How to fix). */
export function renderErrorDocs(): string {
  const lines = [
    '# Errors',
    '',
    '<!-- Generated from src/errors/*-errors.ts by `npm run docs:errors`; a test fails when this file is stale. -->',
    '',
    'Every error response, on AOG routes and native routes alike, has this body:',
    '',
    '```json',
    '{"business_code": 40061, "message": "Expected an integer between 1 and 4 for n but received 7 (number)", "code": "parameter_invalid", "retryable": false}',
    '```',
    '',
    '- `business_code`: AOG\'s number where AOG has the condition (AOG clients show `message`); Atelier\'s own conditions use 150000–159999.',
    '- `message`: what went wrong and what to do; `{…}` below are filled in from the request.',
    '- `code`: stable; match on this, never on the message. Retired codes are never reused.',
    '- `retryable`: whether sending the same request later may succeed.',
    '- Extra fields may appear: `task_id` when a task exists for the request.',
    '',
  ];
  for (const [area, entries] of Object.entries(errorAreas) as [ErrorArea, Record<string, ErrorSpec>][]) {
    if (Object.keys(entries).length === 0) continue;
    lines.push(`## ${areaTitles[area]}`, '', '| Code | HTTP | business_code | Retryable | Message | When | How to fix |', '|---|---|---|---|---|---|---|');
    for (const [code, spec] of Object.entries(entries)) {
      lines.push(`| \`${code}\` | ${spec.status} | ${spec.businessCode} | ${spec.retryable ? 'yes' : 'no'} | ${cell(spec.message)} | ${cell(spec.description)} | ${cell(spec.howToFix)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
