import { createRoute, z } from '@hono/zod-openapi';
import { createRequire } from 'node:module';
import { defineRoute, type AtelierApp } from '../define-route.ts';

const packageJson = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** The AOG version and spec version Atelier emulates (AOG v0.7 serves spec v0.2). */
export const emulatedAogVersion = 'v0.7';
export const specVersion = 'v0.2';
export const atelierVersion = packageJson.version;

const healthBody = { business_code: 80000, message: 'health interface call success', data: { status: 'UP' } } as const;

const healthSchema = z.object({
  business_code: z.literal(80000),
  message: z.string(),
  data: z.object({ status: z.literal('UP') }),
}).openapi('Health');

function healthRoute(path: string) {
  return createRoute({
    method: 'get', path, tags: ['Health'], summary: 'Liveness (AOG-compatible body)',
    responses: { 200: { description: 'Up', content: { 'application/json': { schema: healthSchema } } } },
  });
}

export function registerHealthRoutes(app: AtelierApp): void {
  // The seeds tell users to curl /aog/v0.2/health; AOG itself only routes /health. Serve the same body on all three.
  for (const path of ['/health', '/aog/v0.2/health', '/aog/v0.2/services/health']) {
    defineRoute(app, healthRoute(path), (http) => http.json(healthBody));
  }

  defineRoute(app, createRoute({
    method: 'get', path: '/engine/health', tags: ['Health'], summary: 'Engine availability (the AOG Node SDK checks it)',
    request: { query: z.object({ engine_name: z.string().optional() }) },
    responses: { 200: { description: 'Engine states', content: { 'application/json': { schema: z.object({ business_code: z.number(), message: z.string(), data: z.record(z.string(), z.string()) }) } } } },
  }), (http) => http.json({ business_code: 80000, message: 'health interface call success', data: perEngine({ 'atelier-local': 'UP' }, http.req.query('engine_name')) }));

  defineRoute(app, createRoute({
    method: 'get', path: '/version', tags: ['Health'], summary: 'Version (AOG-compatible body)',
    responses: { 200: { description: 'Versions', content: { 'application/json': { schema: z.object({ business_code: z.literal(70000), message: z.string(), data: z.object({ version: z.string(), spec_version: z.string(), atelier_version: z.string() }) }) } } } },
  }), (http) => http.json({
    business_code: 70000,
    message: 'version interface call success',
    data: { version: emulatedAogVersion, spec_version: specVersion, atelier_version: atelierVersion },
  }));

  defineRoute(app, createRoute({
    method: 'get', path: '/engine/version', tags: ['Health'], summary: 'Engine versions',
    request: { query: z.object({ engine_name: z.string().optional() }) },
    responses: { 200: { description: 'Versions', content: { 'application/json': { schema: z.object({ business_code: z.number(), message: z.string(), data: z.record(z.string(), z.string()) }) } } } },
  }), (http) => http.json({ business_code: 70000, message: 'version interface call success', data: perEngine({ 'atelier-local': atelierVersion }, http.req.query('engine_name')) }));
}

/**
 * AOG's per-engine answer: every engine, or only the one `engine_name` names, `NOT_FOUND` when Atelier has no engine
 * of that name. Own names only: `constructor` or `__proto__` are not engines.
 */
function perEngine(engines: Record<string, string>, wanted: string | undefined): Record<string, string> {
  return wanted ? { [wanted]: Object.hasOwn(engines, wanted) ? engines[wanted] : 'NOT_FOUND' } : engines;
}
