import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';

export type AtelierApp = OpenAPIHono;

/**
 * Registers a route's OpenAPI definition and its handler together, so the document is generated from the same
 * schemas the handler validates with. Handlers validate bodies themselves (`validateBody`) so every failure goes
 * through the one error catalogue instead of the validator's default 400.
 */
export function defineRoute(app: AtelierApp, definition: RouteConfig, handler: (context: Context) => Response | Promise<Response>): void {
  app.openAPIRegistry.registerPath(definition);
  const honoPath = definition.path.replace(/\{(\w+)\}/g, ':$1');
  app.on(definition.method.toUpperCase(), honoPath, handler);
}
