import { isAscii } from 'node:buffer';
import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import { GatewayError, describeReceived } from '../errors/gateway-error.ts';

/**
 * Reads a JSON object body. A missing Content-Type is accepted (some clients omit it); any other non-JSON type is
 * refused with 415 rather than guessed at.
 */
export async function readJsonObject(context: Context): Promise<Record<string, unknown>> {
  const contentType = context.req.header('content-type');
  if (contentType && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType) && !/^text\/plain\b/i.test(contentType)) {
    throw new GatewayError('request_content_type_unsupported', { contentType: contentType.split(';')[0] });
  }
  // From the raw request, not `context.req`: hono caches what it reads for the request's lifetime, which for a sync
  // AOG call is the whole task — an 8 MB image's body would stay in memory until the answer is sent.
  const text = decodeBody(Buffer.from(await context.req.raw.arrayBuffer()));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new GatewayError('request_body_invalid_json', { reason: text.trim() === '' ? 'the body is empty' : (error as Error).message.slice(0, 120) });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('request_body_invalid_json', { reason: 'the body must be a JSON object' });
  }
  return body as Record<string, unknown>;
}

/**
 * The body as text. A body of ASCII only (base64 images, English prompts) is read as Latin-1, a plain copy ~5×
 * faster than UTF-8 decoding (3 ms instead of 15 ms for an 8 MB image); anything else is UTF-8, without a BOM,
 * invalid sequences replaced, like `Request.text()`.
 */
function decodeBody(bytes: Buffer): string {
  if (isAscii(bytes)) return bytes.toString('latin1');
  const withoutBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  return withoutBom.toString('utf8');
}

/**
 * Validates with a zod schema and turns the first problem into `parameter_invalid` with the one sentence template.
 * Schemas built from `schemas/field-schemas.ts` carry the "expected" text as their error message.
 */
export function validateBody<Schema extends z.ZodType>(schema: Schema, body: Record<string, unknown>): z.infer<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.map(String);
  const parameter = path.join('.') || 'body';
  const received = path.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), body);
  const expected = issue.code === 'unrecognized_keys' ? `no unknown fields (${issue.keys.join(', ')})` : issue.message;
  throw new GatewayError('parameter_invalid', { parameter, expected, received: describeReceived(received) });
}
