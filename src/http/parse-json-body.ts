import { isAscii } from 'node:buffer';
import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import { GatewayError, describeReceived } from '../errors/gateway-error.ts';
import type { DecodedBytesSink, InlineBase64Text } from '../input/inline-base64-text.ts';
import { declaredLength, readBodyBytes, readBodyChunks } from './read-body-bytes.ts';
import { InlineBase64Splitter, type SplitJsonBody } from './split-inline-base64.ts';

/**
 * Reads a JSON object body. A missing Content-Type is accepted (some clients omit it); any other non-JSON type is
 * refused with 415 rather than guessed at.
 */
export async function readJsonObject(context: Context): Promise<Record<string, unknown>> {
  checkJsonContentType(context);
  return parseJsonObject(await readBodyBytes(context));
}

/** A JSON object body whose large base64 fields were read as bytes (see `readJsonObjectWithInlineBase64`). */
export interface JsonObjectWithInlineBase64 {
  /** What `JSON.parse` gives, except that each field in `inlineBase64` holds a short stand-in string. */
  body: Record<string, unknown>;
  /** Top-level fields whose value is the base64 text here instead of in `body`. */
  inlineBase64: Map<string, InlineBase64Text>;
}

/**
 * Like `readJsonObject`, for bodies that carry images as base64: a top-level field named in `fields` whose value is
 * a long, well-formed base64 string (bare or a data: URI) is decoded and hashed chunk by chunk while the body
 * arrives (`InlineBase64Splitter`), instead of becoming part of one 10.7 MB body and a 10.7 MB value string. The
 * result is otherwise exactly `readJsonObject`'s, errors included; in `body` such a field holds a stand-in string
 * (non-empty, not base64), so that checks of presence and type see a string, and the route puts the real value
 * into the request (`withInlineBase64`).
 *
 * @param fields top-level keys to read this way, e.g. `['image', 'mask']`
 * @param options.sinkFor where a field's decoded bytes are written while they arrive (the file store's incoming
 *   files), so the disk write overlaps the upload; the caller discards what it does not store
 */
export async function readJsonObjectWithInlineBase64(
  context: Context, fields: readonly string[], options: { sinkFor?: (field: string) => DecodedBytesSink | undefined } = {},
): Promise<JsonObjectWithInlineBase64> {
  checkJsonContentType(context);
  const splitter = new InlineBase64Splitter(new Set(fields), inlineBase64MinimumLength, { totalLength: declaredLength(context)?.length, sinkFor: options.sinkFor });
  try {
    await readBodyChunks(context, (chunk) => splitter.write(chunk));
    return parseSplitBody(splitter.finish());
  } catch (error) {
    // Nothing of the request is used: its incoming files go now, before the answer, not at the retention sweep.
    await splitter.abandon();
    throw error;
  }
}

/**
 * `readJsonObjectWithInlineBase64` on a body already in memory, optionally fed in pieces (tests check that any
 * chunking gives `JSON.parse`'s result).
 *
 * @param minimumLength shortest value read as bytes, in characters (default 16 KiB; tests use small ones)
 * @param chunkLengths lengths to cut the body into, repeated; default: one piece
 * @throws GatewayError `request_body_invalid_json` exactly as `readJsonObject` would
 */
export function parseJsonObjectWithInlineBase64(bytes: Buffer, fields: readonly string[], minimumLength = inlineBase64MinimumLength, chunkLengths: readonly number[] = [bytes.length]): JsonObjectWithInlineBase64 {
  const splitter = new InlineBase64Splitter(new Set(fields), minimumLength, { totalLength: bytes.length });
  for (let start = 0, index = 0; start < bytes.length; index += 1) {
    const end = Math.min(bytes.length, start + Math.max(1, chunkLengths[index % chunkLengths.length]));
    splitter.write(bytes.subarray(start, end));
    start = end;
  }
  return parseSplitBody(splitter.finish());
}

function parseSplitBody({ text, lifted, cut, whole }: SplitJsonBody): JsonObjectWithInlineBase64 {
  let body: Record<string, unknown>;
  try {
    body = parseJsonObject(text);
  } catch (error) {
    // A remainder fails to parse exactly when the whole body does; the whole body's error names the right position.
    if (cut) parseJsonObject(whole());
    throw error;
  }
  for (const [field, value] of lifted) body[field] = `[base64 text of ${value.length} characters]`;
  return { body, inlineBase64: lifted };
}

/** Values shorter than this are parsed the ordinary way: the lift pays off for images, not for small strings. */
const inlineBase64MinimumLength = 16 * 1024;

/**
 * Refuses a request whose declared body type is not JSON, as `readJsonObject` does; for routes that read their body
 * another way (an AOG list route's filters) but must answer the same 415.
 *
 * @throws GatewayError `request_content_type_unsupported`
 */
export function checkJsonContentType(context: Context): void {
  const contentType = context.req.header('content-type');
  // text/plain too: fetch() sends a string body as text/plain;charset=UTF-8 unless told otherwise. The type must end
  // there or at a parameter: application/json-seq is another format.
  if (contentType && !/^\s*application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType) && !/^\s*text\/plain\s*(;|$)/i.test(contentType)) {
    throw new GatewayError('request_content_type_unsupported', { contentType: contentType.split(';')[0] });
  }
}

/** `JSON.parse` of the body as `Request.text()` would decode it, refusing anything but an object. */
export function parseJsonObject(bytes: Buffer): Record<string, unknown> {
  const text = decodeBody(bytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new GatewayError('request_body_invalid_json', { reason: text.trim() === '' ? 'the body is empty' : (error as Error).message.slice(0, 120) });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('request_body_invalid_json', { reason: 'the body must be a JSON object' });
  }
  const prototypeKey = prototypeKeyPath(body);
  if (prototypeKey !== undefined) {
    throw new GatewayError('parameter_invalid', { parameter: prototypeKey, expected: 'no key named __proto__ (it is not an option of any field)', received: 'a __proto__ key' });
  }
  return body as Record<string, unknown>;
}

/**
 * The path of the first `__proto__` key in a parsed JSON value, or undefined. `JSON.parse` makes it an ordinary key,
 * but copying the object (zod's records do) turns it into the copy's prototype: the key would vanish silently, or
 * its values would show through as inherited options (`provider_options: {"__proto__": {"aliyun": …}}`).
 */
function prototypeKeyPath(root: object): string | undefined {
  // Depth first with a cursor per level, each level linked to its parent: JSON.parse takes nesting far deeper than
  // the call stack would, only the current path is held (not every sibling still to visit), and an array is read by
  // index (Object.entries made a string and a pair per element: 47 s and 3 GB for a 32 MB array of numbers).
  let level: PathLevel | undefined = pathLevel(root);
  if (Object.hasOwn(root, '__proto__')) return levelPath(level);
  while (level !== undefined) {
    if (level.next >= level.length) {
      level = level.parent;
      continue;
    }
    const index = level.next++;
    const { keys, value } = level;
    // Safe to read by name: an object with its own __proto__ was refused on reaching it.
    const child: unknown = keys === undefined ? (value as unknown[])[index] : (value as Record<string, unknown>)[keys[index]];
    if (typeof child !== 'object' || child === null) continue;
    level = pathLevel(child, keys === undefined ? String(index) : keys[index], level);
    if (Object.hasOwn(child, '__proto__')) return levelPath(level);
  }
  return undefined;
}

/** One object or array on the path being walked: where the walk is in it, and how it was reached. */
interface PathLevel {
  value: object;
  /** An object's own keys; undefined for an array, read by index. */
  keys: readonly string[] | undefined;
  length: number;
  next: number;
  key?: string;
  parent?: PathLevel;
}

function pathLevel(value: object, key?: string, parent?: PathLevel): PathLevel {
  const keys = Array.isArray(value) ? undefined : Object.keys(value);
  return { value, keys, length: keys?.length ?? (value as unknown[]).length, next: 0, key, parent };
}

/**
 * The dotted path of the `__proto__` key in `level`, short enough for a message: each key cut to 40 characters,
 * and the middle of a deep path left out (a 32 MB body nests millions of levels).
 */
function levelPath(level: PathLevel): string {
  const keys = ['__proto__'];
  for (let step: PathLevel | undefined = level; step?.key !== undefined; step = step.parent) keys.push(step.key.slice(0, 40));
  keys.reverse();
  if (keys.length <= 8) return keys.join('.');
  return [...keys.slice(0, 3), `…${keys.length - 6} levels…`, ...keys.slice(-3)].join('.');
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
