/** `data:<type>[;param=value]*;base64,`: the one form of data URI prefix Atelier accepts (`decodeBase64Input` too). */
export const dataUriPrefixPattern = /^data:([\w.+-]+\/[\w.+-]+)?((?:;[\w-]+=[\w.+-]+)*);base64,/i;
/** A data URI prefix is looked for in this many leading characters at most. */
const prefixSearchLength = 512;
/** Characters per decoded slice: a multiple of 4 (whole base64 quanta), small enough for short-lived strings. */
const sliceCharacters = 64 * 1024;

/**
 * A base64 image (bare, or a `data:` URI) as the request sent it, already decoded, without the text: what the
 * input module needs of it. The text of an 8 MB image is 10.7 MB that would otherwise stay in memory for the whole
 * task (a sync AOG call holds its request until the answer).
 */
export class DecodedBase64 {
  /**
   * @param bytes the decoded image
   * @param payloadLength characters of the base64 payload (a data URI prefix excluded): what the size check reads
   */
  constructor(readonly bytes: Buffer, readonly payloadLength: number) {}
}

/**
 * A request's base64 image (bare, or a `data:` URI) kept as the ASCII bytes it arrived in and decoded slice by
 * slice, instead of as a 10.7 MB JS string that `JSON.parse` copies out of a 10.7 MB body string and
 * `Buffer.from(…, 'base64')` decodes: for an 8 MB image that saves ~15 ms of CPU and two 10.7 MB strings.
 *
 * Made only by `readInlineBase64` for text that is well-formed base64 (so its characters need no JSON unescaping
 * and decode without loss); as a string it is exactly the JSON string value it replaces.
 */
export class InlineBase64Text {
  /**
   * @param text the characters, as ASCII bytes (a view of the request body)
   * @param payloadOffset where the base64 starts (after a `data:…;base64,` prefix; 0 for bare base64)
   * @param bytes the decoded image
   */
  constructor(readonly text: Buffer, readonly payloadOffset: number, readonly bytes: Buffer) {}

  /** The decoded image without the text, for `image_type` base64. */
  decoded(): DecodedBase64 {
    return new DecodedBase64(this.bytes, this.text.length - this.payloadOffset);
  }

  /** The text as the string the JSON body held (for `path` and `url` image types, which are not base64). */
  toString(): string {
    return this.text.toString('latin1');
  }
}

/**
 * Decodes `text` (ASCII bytes of a JSON string's content) when it is well-formed base64 — optionally behind a
 * `data:…;base64,` prefix — and returns it as an `InlineBase64Text`; undefined for anything else (whitespace,
 * characters outside the alphabet, misplaced padding, an impossible length, escapes, control or non-ASCII bytes),
 * which the caller then reads the ordinary way. Every text it accepts is one `decodeBase64Input` decodes to the
 * same bytes.
 *
 * How the check stays cheap: `Buffer#write(…, 'base64')` skips characters outside the alphabet, each skipped one
 * shortening the output, so a slice that decodes to exactly ¾ of its length held none. `-` and `_` (base64url,
 * which Node also decodes) and `=` before the end are searched for natively.
 */
export function readInlineBase64(text: Buffer): InlineBase64Text | undefined {
  let payloadOffset = 0;
  if (text.length >= 5 && (text[0] | 0x20) === 0x64 /* d */ && text.subarray(0, 5).toString('latin1').toLowerCase() === 'data:') {
    const match = dataUriPrefixPattern.exec(text.subarray(0, prefixSearchLength).toString('latin1'));
    if (!match) return undefined;
    payloadOffset = match[0].length;
  }
  const payload = text.subarray(payloadOffset);
  const padding = payload.length >= 2 && payload[payload.length - 1] === 0x3d ? (payload[payload.length - 2] === 0x3d ? 2 : 1) : 0;
  const dataLength = payload.length - padding;
  if (dataLength === 0 || payload.length % 4 === 1 || dataLength % 4 === 1) return undefined;
  const data = payload.subarray(0, dataLength);
  if (data.includes(0x3d) || data.includes(0x2d) || data.includes(0x5f)) return undefined;
  const bytes = Buffer.allocUnsafe(Math.floor((dataLength * 6) / 8));
  let written = 0;
  for (let start = 0; start < dataLength; start += sliceCharacters) {
    const end = Math.min(dataLength, start + sliceCharacters);
    const slice = data.toString('latin1', start, end);
    const expected = Math.floor(((end - start) * 6) / 8);
    if (bytes.write(slice, written, 'base64') !== expected) return undefined;
    written += expected;
  }
  return new InlineBase64Text(text, payloadOffset, bytes);
}
