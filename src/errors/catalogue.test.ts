import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorAreas, errorCatalogue } from './catalogue.ts';
import { GatewayError, fillTemplate } from './gateway-error.ts';
import { renderErrorDocs } from './render-error-docs.ts';
import { renderError } from './render-error.ts';
import { silentLogger } from '../logging/logger.ts';

describe('error catalogue', () => {
  const codes = Object.keys(errorCatalogue);

  it('has codes in lower snake case, unique across areas', () => {
    const all = Object.values(errorAreas).flatMap((area) => Object.keys(area));
    expect(new Set(all).size).toBe(all.length);
    for (const code of codes) expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/);
  });

  it('gives every entry a 4xx/5xx status, a description and a fix', () => {
    for (const [code, spec] of Object.entries(errorCatalogue)) {
      expect(spec.status, code).toBeGreaterThanOrEqual(400);
      expect(spec.status, code).toBeLessThan(600);
      expect(spec.description.length, code).toBeGreaterThan(10);
      expect(spec.howToFix.length, code).toBeGreaterThan(5);
    }
  });

  it('uses unique business codes except for AOG codes shared on purpose (40061 validation, 500 internal)', () => {
    const seen = new Map<number, string>();
    for (const [code, spec] of Object.entries(errorCatalogue)) {
      if (spec.businessCode === 40061) continue;
      expect(seen.get(spec.businessCode), `${code} reuses ${spec.businessCode}`).toBeUndefined();
      seen.set(spec.businessCode, code);
    }
  });

  it('is documented: docs/errors.md is exactly what `npm run docs:errors` generates', () => {
    const onDisk = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderErrorDocs());
    for (const code of codes) expect(onDisk).toContain(`\`${code}\``);
  });

  it('fills message templates and keeps unknown placeholders visible', () => {
    expect(fillTemplate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('renders a known error with its status and AOG envelope, and an unknown one as a generic 500', () => {
    const known = renderError(new GatewayError('model_not_found', { model: 'x', service: 'image-to-image', known: 'a, b' }), silentLogger);
    expect(known.status).toBe(404);
    expect(known.body).toMatchObject({ business_code: 30003, code: 'model_not_found', retryable: false });
    expect(known.body.message).toMatch(/^model not exist/);
    const unknown = renderError(new Error('secret internals'), silentLogger);
    expect(unknown.status).toBe(500);
    expect(unknown.body.message).not.toContain('secret internals');
  });

  it('round-trips through JSON (task rows, worker threads)', () => {
    const error = new GatewayError('input_path_not_found', { path: '/x' });
    const copy = GatewayError.fromJSON(JSON.parse(JSON.stringify(error.toJSON())));
    expect(GatewayError.isInstance(copy)).toBe(true);
    expect(copy.message).toBe(error.message);
    expect(copy.status).toBe(400);
  });
});
