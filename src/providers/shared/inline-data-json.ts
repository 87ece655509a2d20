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
export function serializeJsonWithInlineData(body: unknown): Buffer<ArrayBuffer> {
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
      offset = writeBase64(inline[Number(piece)].bytes, output, offset);
    }
  });
  return output.subarray(0, offset);
}

/** Bytes per base64 slice: a multiple of 3 (no padding mid-stream), small enough for short-lived strings. */
const base64SliceBytes = 3 * 16 * 1024;

/**
 * Writes `bytes` as base64 into `output` at `offset` and returns the new offset. Slice by slice: one 10.7 MB
 * string for an 8 MB image costs a large-object allocation and a slow copy out of it (~20 ms); 48 KB slices ~6 ms.
 */
function writeBase64(bytes: Buffer, output: Buffer, offset: number): number {
  let position = offset;
  for (let start = 0; start < bytes.length; start += base64SliceBytes) {
    position += output.write(bytes.subarray(start, start + base64SliceBytes).toString('base64'), position, 'latin1');
  }
  return position;
}
