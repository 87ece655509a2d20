import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createRoute, z } from '@hono/zod-openapi';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { AppContext } from '../../server/create-context.ts';
import { defineRoute, type AtelierApp } from '../define-route.ts';
import { errorResponses } from '../schemas/response-schemas.ts';

/** The URL Atelier returns for a stored file. */
export function fileUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/v1/files/${id}`;
}

const definition = createRoute({
  method: 'get',
  path: '/v1/files/{id}',
  tags: ['Files'],
  summary: 'Download a stored input or result',
  description: 'Files are content-addressed and immutable: strong ETag, long cache lifetime, HTTP Range for video seeking.',
  request: { params: z.object({ id: z.string().openapi({ example: '3f5a…e1.png' }) }) },
  responses: {
    200: { description: 'The whole file' },
    206: { description: 'The requested byte range' },
    304: { description: 'Not modified (If-None-Match matched)' },
    ...errorResponses(404, 416),
  },
});

/** Parses one `bytes=` range; multiple ranges are not served (browsers and video players ask for one). */
function parseRange(header: string, size: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return undefined;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start > end || start >= size) return undefined;
  return { start, end };
}

export function registerFileRoutes(app: AtelierApp, context: AppContext): void {
  defineRoute(app, definition, async (http) => {
    const id = http.req.param('id') ?? '';
    const file = await context.fileStore.find(id);
    if (!file) throw new GatewayError('file_not_found', { id: id.slice(0, 80) });
    const headers: Record<string, string> = {
      'content-type': file.mediaType,
      etag: file.etag,
      'accept-ranges': 'bytes',
      'cache-control': 'public, max-age=31536000, immutable',
    };
    if (http.req.header('if-none-match') === file.etag) return new Response(null, { status: 304, headers });
    const rangeHeader = http.req.header('range');
    if (rangeHeader && (!http.req.header('if-range') || http.req.header('if-range') === file.etag)) {
      const range = parseRange(rangeHeader, file.size);
      if (!range) {
        throw new GatewayError('range_not_satisfiable', { range: rangeHeader.slice(0, 40), size: file.size }, { extra: {} });
      }
      const stream = Readable.toWeb(createReadStream(file.path, { start: range.start, end: range.end })) as ReadableStream;
      return new Response(stream, {
        status: 206,
        headers: { ...headers, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${file.size}` },
      });
    }
    const stream = Readable.toWeb(createReadStream(file.path)) as ReadableStream;
    return new Response(http.req.method === 'HEAD' ? null : stream, { status: 200, headers: { ...headers, 'content-length': String(file.size) } });
  });
}
