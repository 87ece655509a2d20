import type { AtelierApp } from '../define-route.ts';
import { atelierVersion } from './health-routes.ts';

const documentConfig = {
  openapi: '3.1.0',
  info: {
    title: 'Atelier',
    version: atelierVersion,
    description: 'Local image-to-image gateway: AOG-compatible routes, durable tasks, cloud providers and an offline embedded engine. Errors: docs/errors.md.',
  },
};

/** `GET /openapi.json` (generated from the routes' own schemas) and `GET /docs` (a readable page of the same). */
export function registerOpenApiRoutes(app: AtelierApp): void {
  app.get('/openapi.json', (http) => http.json(app.getOpenAPI31Document(documentConfig)));
  app.get('/docs', (http) => http.html(renderDocsPage(app.getOpenAPI31Document(documentConfig) as unknown as OpenApiDocument)));
}

interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, { summary?: string; description?: string; tags?: string[] }>>;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[character]!);
}

/** A dependency-free page: no CDN, since Atelier must work offline. */
function renderDocsPage(document: OpenApiDocument): string {
  const rows = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) =>
      `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(operation.summary ?? '')}<br><small>${escapeHtml(operation.description ?? '')}</small></td></tr>`),
  );
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)} API</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}td{padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}small{color:#555}</style></head>
<body><h1>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)}</h1><p>${escapeHtml(document.info.description ?? '')}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p><table>${rows.join('')}</table></body></html>`;
}
