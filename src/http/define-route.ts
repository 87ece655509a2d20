import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { errorResponses } from './schemas/response-schemas.ts';

export type AtelierApp = OpenAPIHono;

/**
 * Registers a route's OpenAPI definition and its handler together, so the document is generated from the same
 * schemas the handler validates with. Handlers validate bodies themselves (`validateBody`) so every failure goes
 * through the one error catalogue instead of the validator's default 400.
 */
export function defineRoute(app: AtelierApp, definition: RouteConfig, handler: (context: Context) => Response | Promise<Response>): void {
  app.openAPIRegistry.registerPath({ ...definition, responses: { ...errorResponses(...middlewareStatuses(definition.method)), ...definition.responses } });
  const honoPath = definition.path.replace(/\{(\w+)\}/g, ':$1');
  app.on(definition.method.toUpperCase(), honoPath, handler);
}

/**
 * What the middleware in create-app.ts may answer on any route before its handler runs, so that the document lists
 * it without every definition repeating it: 400 for a query parameter given twice, 403 for a Host name that is not
 * this machine's (or, on a change, a web page's Origin), 413 for a declared body over the limit (GETs too: AOG's
 * list filters come as a body), and on a change 503 while the server shuts down.
 */
function middlewareStatuses(method: RouteConfig['method']): number[] {
  return method === 'get' || method === 'head' ? [400, 403, 413] : [400, 403, 413, 503];
}
