import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createRoute, z } from '@hono/zod-openapi';
import { GatewayError } from '../../errors/gateway-error.ts';
import { renderError } from '../../errors/render-error.ts';
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

/** What a `Range` header asks of a file of `size` bytes. */
type RangeAnswer = { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * Reads a `Range` header as RFC 9110 §14 has it. One `bytes` range (unit case-insensitive) is served; a header with
 * another unit, several ranges (browsers and video players ask for one; multipart answers are not served) or an
 * invalid range is ignored and the whole file goes, as the RFC allows. Only a valid range past the end is 416.
 */
function parseRange(header: string, size: number): RangeAnswer {
  const whole = { kind: 'whole' } as const;
  const unit = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(.*)$/.exec(header);
  if (!unit || unit[1].toLowerCase() !== 'bytes') return whole;
  const ranges = unit[2].split(',').map((range) => range.trim()).filter((range) => range !== '');
  if (ranges.length !== 1) return whole;
  const range = /^(\d*)-(\d*)$/.exec(ranges[0]);
  if (!range || (range[1] === '' && range[2] === '')) return whole;
  if (range[1] === '') {
    const suffix = Number(range[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(range[1]);
  if (range[2] !== '' && Number(range[2]) < start) return whole; // last before first: invalid, so ignored
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'part', start, end: range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1) };
}

/** `If-None-Match` against a strong ETag, with the weak comparison RFC 9110 §13.1.2 asks for: lists, `W/`, `*`. */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return (header.match(/(?:W\/)?"[^"]*"/g) ?? []).some((tag) => tag.replace(/^W\//, '') === etag);
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
    if (noneMatch(http.req.header('if-none-match'), file.etag)) return new Response(null, { status: 304, headers });
    const rangeHeader = http.req.header('range');
    const range = rangeHeader && (!http.req.header('if-range') || http.req.header('if-range') === file.etag)
      ? parseRange(rangeHeader, file.size) : { kind: 'whole' as const };
    if (range.kind === 'unsatisfiable') {
      const { status, body } = renderError(new GatewayError('range_not_satisfiable', { range: rangeHeader!.slice(0, 40), size: file.size }), context.logger);
      return http.json(body, status as 416, { 'content-range': `bytes */${file.size}` });
    }
    if (range.kind === 'part') {
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
