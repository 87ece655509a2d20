import { randomUUID } from 'node:crypto';

/**
 * Image bytes that go into a JSON body as a `data:<mediaType>;base64,…` string. Serialised by
 * `serializeJsonWithInlineData` straight into the output buffer, so an 8 MB image does not pass through three
 * intermediate multi-megabyte strings (data URI, JSON text, UTF-8 copy) on its way to the socket.
 */
export class InlineData {
  constructor(readonly bytes: Buffer, readonly mediaType: string) {}

  /** The data URI as a string (for logs of small inputs and tests; the request path never calls it). */
  toDataUri(): string {
    return `data:${this.mediaType};base64,${this.bytes.toString('base64')}`;
  }
}

/**
 * `JSON.stringify(body)` as UTF-8 bytes, with every `InlineData` value written as its data URI string.
 * The result is byte-for-byte what `JSON.stringify` would give with the data URIs in place.
 */
export function serializeJsonWithInlineData(body: unknown): Buffer {
  const inline: InlineData[] = [];
  const token = `@@atelier-inline-${randomUUID()}-`;
  const json = JSON.stringify(body, (_key, value: unknown) => {
    if (value instanceof InlineData) {
      inline.push(value);
      return `${token}${inline.length - 1}@@`;
    }
    return value;
  });
  if (inline.length === 0) return Buffer.from(json, 'utf8');
  // split with a capture group alternates text, index, text, index, …, text.
  const pieces = json.split(new RegExp(`${token}(\\d+)@@`));
  const prefixes = inline.map((data) => `data:${data.mediaType};base64,`);
  let total = 0;
  pieces.forEach((piece, position) => {
    if (position % 2 === 0) total += Buffer.byteLength(piece, 'utf8');
    else {
      const data = inline[Number(piece)];
      total += prefixes[Number(piece)].length + Math.ceil(data.bytes.length / 3) * 4;
    }
  });
  const output = Buffer.allocUnsafe(total);
  let offset = 0;
  pieces.forEach((piece, position) => {
    if (position % 2 === 0) {
      offset += output.write(piece, offset, 'utf8');
    } else {
      offset += output.write(prefixes[Number(piece)], offset, 'latin1');
      offset += output.write(inline[Number(piece)].bytes.toString('base64'), offset, 'latin1');
    }
  });
  return output.subarray(0, offset);
}
