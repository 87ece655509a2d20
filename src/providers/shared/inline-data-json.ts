import { randomUUID } from 'node:crypto';

/**
 * Image bytes that go into a JSON body as a `data:<mediaType>;base64,…` string. Serialised by `jsonWithInlineData`
 * straight into the outgoing bytes, so an 8 MB image does not pass through intermediate multi-megabyte strings
 * (data URI, JSON text, UTF-8 copy) on its way to the socket.
 */
export class InlineData {
  constructor(readonly bytes: Buffer, readonly mediaType: string) {}

  /** The data URI as a string (for logs of small inputs and tests; the request path never calls it). */
  toDataUri(): string {
    return `data:${this.mediaType};base64,${this.bytes.toString('base64')}`;
  }
}

/**
 * A JSON body serialised with its `InlineData` values as data URI strings, byte-for-byte what `JSON.stringify` would
 * give with the data URIs in place. Only the small JSON text around the inline values is held; the base64 is made
 * when the bytes are asked for.
 */
export interface JsonWithInlineData {
  /** Exact byte length of the serialised body: the request's Content-Length. */
  readonly length: number;
  /** How many `InlineData` values the body carries; 0 means plain JSON text. */
  readonly inlineValueCount: number;
  /**
   * The body's bytes in order, produced lazily in chunks of up to 256 KB: the JSON text pieces, and each inline
   * value's base64 encoded one 48 KB slice (64 KB of output) at a time into the chunk being filled, so an 8 MB image
   * never exists as one 10.7 MB buffer. Every call starts over and yields the same bytes (a retry sends the body
   * again). Each chunk is a Buffer of this call's own, which the consumer may keep; small ones may come from Node's
   * buffer pool, so their memory must not be transferred.
   *
   * @param options.beforeLastChunk the chunk that completes the body is held until this settles (and the generator
   *   throws its error if it rejects): the receiver cannot act on an incomplete body, so whatever must be true before
   *   it does (the inputs are stored) can finish while the rest is uploaded
   */
  chunks(options?: { beforeLastChunk?: Promise<void> }): AsyncGenerator<Buffer<ArrayBuffer>, void, undefined>;
  /** The whole body in one Buffer (for small bodies, where one allocation is the simplest thing to send). */
  toBuffer(): Buffer<ArrayBuffer>;
}

/**
 * Serialises `body` like `JSON.stringify`, with every `InlineData` value written as its data URI string; see
 * `JsonWithInlineData` for the two ways to get the bytes.
 *
 * @example const json = jsonWithInlineData({ image: new InlineData(bytes, 'image/png') }); json.length; json.chunks();
 */
export function jsonWithInlineData(body: unknown): JsonWithInlineData {
  const inline: InlineData[] = [];
  const token = `@@atelier-inline-${randomUUID()}-`;
  const json = JSON.stringify(body, (_key, value: unknown) => {
    if (value instanceof InlineData) {
      inline.push(value);
      return `${token}${inline.length - 1}@@`;
    }
    return value;
  });
  // The text around the tokens; JSON.stringify writes values in the order it visits them, so the i-th token is i.
  const pieces = json.split(new RegExp(`${token}\\d+@@`));
  // The data URI prefix joins the text before its value. It goes through JSON.stringify so a media type with a
  // quote or backslash is escaped exactly as JSON.stringify would escape the whole data URI.
  const texts = pieces.map((piece, index) =>
    index < inline.length ? piece + JSON.stringify(`data:${inline[index].mediaType};base64,`).slice(1, -1) : piece);
  const length = texts.reduce((total, text) => total + Buffer.byteLength(text, 'utf8'), 0)
    + inline.reduce((total, data) => total + base64Length(data.bytes.length), 0);
  const parts = () => bodyParts(texts, inline);
  return {
    length,
    inlineValueCount: inline.length,
    async *chunks(options = {}) {
      /** `bytes`, once the gate allows it if they are the body's last. */
      const release = async (bytes: Buffer<ArrayBuffer>, unsentBefore: number) => {
        if (bytes.length === unsentBefore && options.beforeLastChunk) await options.beforeLastChunk;
        return bytes;
      };
      // Parts are packed into chunks of up to chunkBytes; the last chunk is allocated at the size that is left.
      let unsent = length;
      let chunk = Buffer.allocUnsafe(Math.min(chunkBytes, unsent));
      let used = 0;
      for (const part of parts()) {
        const size = part.encoding === 'latin1' ? part.text.length : Buffer.byteLength(part.text, 'utf8');
        if (used > 0 && used + size > chunk.length) {
          yield await release(chunk.subarray(0, used), unsent);
          unsent -= used;
          chunk = Buffer.allocUnsafe(Math.min(chunkBytes, unsent));
          used = 0;
        }
        if (size > chunk.length) {
          // Only a text piece can be longer than a chunk (a long prompt); it goes as a chunk of its own.
          yield await release(Buffer.from(part.text, part.encoding), unsent);
          unsent -= size;
          chunk = Buffer.allocUnsafe(Math.min(chunkBytes, unsent));
          continue;
        }
        used += chunk.write(part.text, used, part.encoding);
      }
      if (used > 0) yield await release(chunk.subarray(0, used), unsent);
    },
    toBuffer() {
      const output = Buffer.allocUnsafe(length);
      let offset = 0;
      for (const part of parts()) offset += output.write(part.text, offset, part.encoding);
      return output;
    },
  };
}

/**
 * `JSON.stringify(body)` as UTF-8 bytes in one Buffer, with every `InlineData` value written as its data URI string.
 * The result is byte-for-byte what `JSON.stringify` would give with the data URIs in place.
 */
export function serializeJsonWithInlineData(body: unknown): Buffer<ArrayBuffer> {
  return jsonWithInlineData(body).toBuffer();
}

/**
 * Bytes per base64 slice: a multiple of 3, so no slice but the last is padded and the slices concatenate to the
 * base64 of the whole. One 10.7 MB string for an 8 MB image costs a large-object allocation and a slow copy out of
 * it (~20 ms); 48 KB slices stay in the young generation (~6 ms).
 */
const base64SliceBytes = 3 * 16 * 1024;

/**
 * Bytes per chunk of `chunks()`: four base64 slices. Every chunk costs a trip through the web stream, undici's writer
 * and a socket write; with one 64 KB slice per chunk that overhead ate most of what streaming saves in CPU (measured
 * on an 8 MB image: 64 KB chunks ≈ the one-Buffer body's CPU, 256 KB chunks ~20 % less, 1 MB no better than 256 KB).
 */
const chunkBytes = 4 * base64Length(base64SliceBytes);

function base64Length(byteCount: number): number {
  return Math.ceil(byteCount / 3) * 4;
}

interface BodyPart {
  text: string;
  /** The encoding that turns `text` into its exact bytes (base64 is ASCII: latin1 copies it without a UTF-8 scan). */
  encoding: 'utf8' | 'latin1';
}

/** The body as strings in order: each text piece, then its inline value's base64 slice by slice. */
function* bodyParts(texts: readonly string[], inline: readonly InlineData[]): Generator<BodyPart, void, undefined> {
  for (const [index, text] of texts.entries()) {
    if (text.length > 0) yield { text, encoding: 'utf8' };
    if (index >= inline.length) continue;
    const bytes = inline[index].bytes;
    for (let start = 0; start < bytes.length; start += base64SliceBytes) {
      yield { text: bytes.toString('base64', start, Math.min(start + base64SliceBytes, bytes.length)), encoding: 'latin1' };
    }
  }
}
