/**
 * Writes docs/errors.md from the error catalogue (`npm run docs:errors`). The catalogue test fails when the file
 * is out of date, so the doc can never drift from the code.
 */
import { writeFileSync } from 'node:fs';
import { renderErrorDocs } from '../src/errors/render-error-docs.ts';

const target = new URL('../docs/errors.md', import.meta.url);
writeFileSync(target, renderErrorDocs());
console.log(`wrote ${target.pathname}`);
