import { readInlineBase64, type InlineBase64Text } from '../input/inline-base64-text.ts';

/** A JSON body with its large base64 string values cut out. */
export interface LiftedJsonBody {
  /** The body with each lifted value's characters removed (`"…"` became `""`): small, parsed with `JSON.parse`. */
  remainder: Buffer;
  /** Top-level fields whose value — the last one, when a key repeats — was lifted, with that value. */
  lifted: Map<string, InlineBase64Text>;
}

const quote = 0x22;
const backslash = 0x5c;

/**
 * Finds top-level fields named in `fields` whose string value is at least `minimumLength` characters of
 * well-formed base64 (see `readInlineBase64`) in the raw bytes of a JSON object body, and cuts them out, so the
 * body's megabytes never become one JS string for `JSON.parse`. Only the top-level object's structure is scanned;
 * nested values and other strings are stepped over (quotes found natively, escapes respected) and left as they are.
 *
 * Exactness: a lifted value is a complete JSON string token without escapes whose characters are all printable
 * ASCII, so replacing it with `""` keeps the body valid exactly when it was valid, and parsing the remainder then
 * putting the lifted text back gives `JSON.parse`'s result (last duplicate key wins: a key's earlier lifted value
 * is overwritten by its later one in both). Returns undefined — read the body the ordinary way — when nothing was
 * lifted or the scan met anything it does not expect (not an object, malformed structure, trailing bytes).
 *
 * @param bytes the body as received (UTF-8; a leading BOM is stepped over)
 * @param fields top-level keys that may be lifted (never `__proto__`)
 * @param minimumLength shortest value worth lifting, in characters
 */
export function liftInlineBase64(bytes: Buffer, fields: ReadonlySet<string>, minimumLength: number): LiftedJsonBody | undefined {
  const end = bytes.length;
  const cuts: Array<{ start: number; end: number }> = [];
  const last = new Map<string, InlineBase64Text | undefined>();
  let position = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  position = skipWhitespace(bytes, position);
  if (bytes[position] !== 0x7b) return undefined;
  position = skipWhitespace(bytes, position + 1);
  if (bytes[position] === 0x7d) return undefined;
  for (;;) {
    if (bytes[position] !== quote) return undefined;
    const keyEnd = stringEnd(bytes, position);
    if (keyEnd === -1) return undefined;
    const key = decodeKey(bytes, position, keyEnd);
    position = skipWhitespace(bytes, keyEnd + 1);
    if (bytes[position] !== 0x3a) return undefined;
    position = skipWhitespace(bytes, position + 1);
    const wanted = key !== undefined && fields.has(key);
    let lifted: InlineBase64Text | undefined;
    if (wanted && bytes[position] === quote) {
      // Without escapes the first quote ends the string; with one, readInlineBase64 refuses the text (a backslash
      // is not base64) and the value is stepped over properly below.
      const closing = bytes.indexOf(quote, position + 1);
      if (closing - position - 1 >= minimumLength) lifted = readInlineBase64(bytes.subarray(position + 1, closing));
      if (lifted) {
        cuts.push({ start: position + 1, end: closing });
        position = closing + 1;
      }
    }
    if (wanted) last.set(key, lifted);
    if (!lifted) position = skipValue(bytes, position);
    if (position === -1) return undefined;
    position = skipWhitespace(bytes, position);
    if (bytes[position] === 0x2c) {
      position = skipWhitespace(bytes, position + 1);
      continue;
    }
    if (bytes[position] !== 0x7d) return undefined;
    position = skipWhitespace(bytes, position + 1);
    break;
  }
  if (position !== end || cuts.length === 0) return undefined;

  const pieces: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    pieces.push(bytes.subarray(from, cut.start));
    from = cut.end;
  }
  pieces.push(bytes.subarray(from));
  const lifted = new Map<string, InlineBase64Text>();
  for (const [key, value] of last) if (value) lifted.set(key, value);
  return { remainder: Buffer.concat(pieces), lifted };
}

function skipWhitespace(bytes: Buffer, start: number): number {
  let position = start;
  for (;;) {
    const byte = bytes[position];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return position;
    position += 1;
  }
}

/** The index of the quote that closes the string opening at `start` (one not escaped by an odd run of `\`), or -1. */
function stringEnd(bytes: Buffer, start: number): number {
  let from = start + 1;
  for (;;) {
    const candidate = bytes.indexOf(quote, from);
    if (candidate === -1) return -1;
    let backslashes = 0;
    while (candidate - backslashes - 1 > start && bytes[candidate - backslashes - 1] === backslash) backslashes += 1;
    if (backslashes % 2 === 0) return candidate;
    from = candidate + 1;
  }
}

/** The index just after the JSON value starting at `start`, or -1. Structure only: validity is `JSON.parse`'s job. */
function skipValue(bytes: Buffer, start: number): number {
  const first = bytes[start];
  if (first === quote) {
    const closing = stringEnd(bytes, start);
    return closing === -1 ? -1 : closing + 1;
  }
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let position = start; position < bytes.length; position += 1) {
      const byte = bytes[position];
      if (byte === quote) {
        position = stringEnd(bytes, position);
        if (position === -1) return -1;
      } else if (byte === 0x7b || byte === 0x5b) {
        depth += 1;
      } else if (byte === 0x7d || byte === 0x5d) {
        depth -= 1;
        if (depth === 0) return position + 1;
      }
    }
    return -1;
  }
  // A number or literal: up to the next delimiter.
  let position = start;
  while (position < bytes.length) {
    const byte = bytes[position];
    if (byte === 0x2c || byte === 0x7d || byte === 0x5d || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) break;
    position += 1;
  }
  return position === start ? -1 : position;
}

/** A key's string value, as `JSON.parse` reads it; undefined when it is not a valid JSON string. */
function decodeKey(bytes: Buffer, start: number, closing: number): string | undefined {
  const content = bytes.subarray(start + 1, closing);
  if (!content.includes(backslash)) return content.toString('utf8');
  try {
    return JSON.parse(bytes.toString('utf8', start, closing + 1)) as string;
  } catch {
    return undefined;
  }
}
