import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { GatewayError } from '../errors/gateway-error.ts';
import { isServiceName } from './schemas/task-schemas.ts';
import { isLoopbackHost } from '../input/address-policy.ts';
import { isLoopbackPeer, isThisMachinesHost, isThisMachinesOrigin } from './local-requests.ts';
import { renderError } from '../errors/render-error.ts';
import type { AppContext } from '../server/create-context.ts';
import type { AtelierApp } from './define-route.ts';
import { registerAogControlPlaneRoutes } from './routes/aog-control-plane-routes.ts';
import { registerAogImageToImageRoute } from './routes/aog-image-to-image-route.ts';
import { registerAogImageToVideoRoute } from './routes/aog-image-to-video-route.ts';
import { registerCatalogueRoutes } from './routes/catalogue-routes.ts';
import { registerFileRoutes } from './routes/file-routes.ts';
import { registerHealthRoutes } from './routes/health-routes.ts';
import { registerOpenApiRoutes } from './routes/openapi-routes.ts';
import { registerTaskRoutes } from './routes/task-routes.ts';

/** Lets the server refuse new work during shutdown while in-flight requests finish. */
export interface AdmissionGate {
  accepting: boolean;
  inFlight: number;
}

/**
 * Builds the HTTP application: middleware, every route module, and the one error handler that turns errors into
 * responses. Route modules register themselves (definition + handler), one line each below.
 */
export function createApp(context: AppContext, gate: AdmissionGate = { accepting: true, inFlight: 0 }): AtelierApp {
  const app: AtelierApp = new OpenAPIHono();

  app.use('*', async (http, next) => {
    if (!gate.accepting && !isReadOnly(http.req.method)) throw new GatewayError('server_shutting_down');
    gate.inFlight++;
    context.logger.debug('request received', { method: http.req.method, path: http.req.path });
    try {
      await next();
    } finally {
      gate.inFlight--;
    }
  });
  const boundToLoopback = isLoopbackHost(context.settings.host);
  app.use('*', async (http, next) => {
    // Web pages open in a browser on this machine reach Atelier too. A page from elsewhere may not change anything:
    // it could spend the configured cloud keys, read local images through path inputs, or replace the keys (a POST
    // without a Content-Type needs no preflight). Browsers always send Origin on such a request; programs (AOG
    // clients, curl, atelier) send none. Reads need no check: without CORS headers the page cannot see the answer.
    const origin = http.req.header('origin');
    if (origin !== undefined && !isReadOnly(http.req.method) && !isThisMachinesOrigin(origin, context.settings.publicUrl)) {
      throw new GatewayError('request_origin_forbidden', { method: http.req.method, path: http.req.path.slice(0, 200), origin: origin.slice(0, 100) });
    }
    // DNS rebinding: a page whose own name now resolves to 127.0.0.1 counts as Atelier's origin for the browser, so it
    // could read answers too. Bound to loopback, Atelier answers only to names of this machine.
    const host = http.req.header('host');
    if (boundToLoopback && host !== undefined && !isThisMachinesHost(host, context.settings.publicUrl)) {
      throw new GatewayError('request_host_forbidden', { host: host.slice(0, 100) });
    }
    return next();
  });
  app.use('*', async (http, next) => {
    // Keys and service settings change only from this machine: bound to a network address (to share generation on a
    // LAN), the server would otherwise let anyone who reaches it replace or remove the stored keys.
    if (!isControlPlaneChange(http.req.method, http.req.path)) return next();
    const remoteAddress = remoteAddressOf(http.env);
    if (remoteAddress !== undefined && !isLoopbackPeer(remoteAddress)) {
      throw new GatewayError('control_plane_remote_forbidden', { method: http.req.method, path: http.req.path, remoteAddress: remoteAddress.slice(0, 60) });
    }
    // A reverse proxy on this machine connects from loopback whoever its client is. The header it adds cannot be
    // trusted to name the client, but its presence says the request was forwarded: refused, since the client may be
    // anywhere. (A proxy that adds none, such as nginx without proxy_set_header, still has to be restricted by its
    // own configuration.)
    const forwardedBy = forwardingHeaders.find((name) => http.req.header(name) !== undefined);
    if (forwardedBy !== undefined) {
      throw new GatewayError('control_plane_remote_forbidden', { method: http.req.method, path: http.req.path, remoteAddress: `a client behind a proxy (${forwardedBy} header)` });
    }
    return next();
  });
  app.use('*', async (http, next) => {
    // No route takes a query parameter twice; taking one of the values silently (`?state=queued&state=running`
    // listed only queued tasks) would answer a question the caller did not ask.
    const repeated = repeatedQueryParameter(http.req.url);
    if (repeated !== undefined) {
      throw new GatewayError('parameter_invalid', { parameter: repeated.name.slice(0, 60), expected: 'one value (the parameter given once)', received: `${repeated.count} values` });
    }
    return next();
  });
  const limitBytes = context.settings.bodyLimitBytes;
  const streamedBodyLimit = bodyLimit({
    maxSize: limitBytes,
    onError: () => {
      throw new GatewayError('request_body_too_large', { limitBytes });
    },
  });
  app.use('*', async (http, next) => {
    // A declared length is checked without touching the body. hono's bodyLimit reads `req.raw.body`, which makes
    // @hono/node-server wrap the socket in a web stream instead of reading it directly: ~10 ms and two more copies
    // for an 8 MB image. Only bodies without a length (chunked) are counted as they stream.
    const declared = http.req.header('content-length');
    if (declared !== undefined && http.req.header('transfer-encoding') === undefined) {
      // GETs too: AOG's list filters come as a GET body, read into a buffer of the declared size (read-body-bytes.ts).
      if (Number(declared) > limitBytes) throw new GatewayError('request_body_too_large', { limitBytes });
      return next();
    }
    // @hono/node-server gives a chunked GET or HEAD no body stream, so nothing of it is read and there is nothing to count.
    if (http.req.method === 'GET' || http.req.method === 'HEAD') return next();
    return streamedBodyLimit(http, next);
  });

  registerHealthRoutes(app);
  registerAogImageToImageRoute(app, context);
  registerAogImageToVideoRoute(app, context);
  registerTaskRoutes(app, context);
  registerAogControlPlaneRoutes(app, context);
  registerFileRoutes(app, context);
  registerCatalogueRoutes(app, context);
  registerOpenApiRoutes(app);

  app.all('/aog/v0.2/services/:service', (http) => {
    const service = http.req.param('service');
    // A service Atelier serves, asked with another method than POST: the route is what does not exist.
    if (isServiceName(service)) {
      throw new GatewayError('route_not_found', { method: http.req.method, path: http.req.path.slice(0, 200) });
    }
    throw new GatewayError('service_not_found', { service: service.slice(0, 60) });
  });
  app.notFound((http) => {
    const { status, body } = renderError(new GatewayError('route_not_found', { method: http.req.method, path: http.req.path.slice(0, 200) }), context.logger);
    return http.json(body, status as 404);
  });
  app.onError((error, http) => {
    const { status, body } = renderError(error, context.logger);
    if (status >= 500) context.logger.warn('request failed', { method: http.req.method, path: http.req.path, code: body.code });
    return http.json(body, status as 400);
  });
  return app;
}

/** The first query parameter the URL gives more than once, with how many times; undefined when none repeats. */
function repeatedQueryParameter(url: string): { name: string; count: number } | undefined {
  const query = url.indexOf('?');
  if (query === -1) return undefined;
  const counts = new Map<string, number>();
  for (const name of new URLSearchParams(url.slice(query + 1)).keys()) counts.set(name, (counts.get(name) ?? 0) + 1);
  for (const [name, count] of counts) if (count > 1) return { name, count };
  return undefined;
}

/** Headers a reverse proxy adds to say whom it forwards for (RFC 7239 and the common de facto ones). */
const forwardingHeaders = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

/** GET and HEAD change nothing here. */
function isReadOnly(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/**
 * A request that changes the AOG control plane's stored state (keys, service policies): install, import, PUT service,
 * service_provider and model changes. Reading it is not one, and neither is `POST /aog/v0.2/service/export`, a read
 * AOG sends as a POST: it never contains a key, and what it shows (configured providers, models, policies, public
 * endpoint URLs) the GET listings already answer to any peer.
 */
function isControlPlaneChange(method: string, path: string): boolean {
  if (isReadOnly(method)) return false;
  if (method === 'POST' && path === '/aog/v0.2/service/export') return false;
  return path === '/aog/v0.2/service' || path.startsWith('/aog/v0.2/service/') || path.startsWith('/aog/v0.2/service_provider') || path.startsWith('/aog/v0.2/model');
}

/** The peer's address of a request served by the Node server; undefined in process (`app.request` in tests). */
function remoteAddressOf(environment: unknown): string | undefined {
  const incoming = (environment as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}
