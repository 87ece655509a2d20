/** `data:<type>[;param=value]*;base64,`: the one form of data URI prefix Atelier accepts (`decodeBase64Input` too). */
export const dataUriPrefixPattern = /^data:([\w.+-]+\/[\w.+-]+)?((?:;[\w-]+=[\w.+-]+)*);base64,/i;

/** Where decoded bytes go as they are decoded: a file written while the body still arrives (`IncomingFile`). */
export interface DecodedBytesSink {
  write(bytes: Buffer): void;
  /** Drops what was written (the bytes were not used as they are). */
  discard(): Promise<void>;
}

/**
 * A base64 image (bare, or a `data:` URI) as the request sent it, already decoded, without the text: what the
 * input module needs of it. The text of an 8 MB image is 10.7 MB that would otherwise stay in memory for the whole
 * task (a sync AOG call holds its request until the answer).
 */
export class DecodedBase64 {
  /**
   * @param bytes the decoded image
   * @param payloadLength characters of the base64 payload (a data URI prefix excluded): what the size check reads
   * @param sha256 hex SHA-256 of `bytes`, computed while decoding, so that the file store need not hash them again
   * @param written `bytes`, already written to a file while they were decoded (the file store's `IncomingFile`)
   */
  constructor(readonly bytes: Buffer, readonly payloadLength: number, readonly sha256?: string, readonly written?: DecodedBytesSink) {}
}

/**
 * A request's base64 image (bare, or a `data:` URI) read from the body while it arrived (`Base64StreamDecoder`):
 * decoded and hashed, without its text, which for an 8 MB image would be a 10.7 MB string. Made only for text that
 * is well-formed base64, so it needs no JSON unescaping; as a string it is exactly the JSON string value it replaces.
 */
export class InlineBase64Text {
  /**
   * @param prefix the `data:…;base64,` prefix, or '' for bare base64
   * @param bytes the decoded image
   * @param payloadLength characters after the prefix
   * @param lastQuantum the last 2–4 characters as sent (padding included): the unused bits of a final quantum may be
   *   anything, so only these are not recovered by encoding `bytes` again
   * @param lastQuantumOffset decoded bytes before the last quantum
   * @param sha256 hex SHA-256 of `bytes`
   * @param written where `bytes` were written while decoded, if anywhere
   */
  constructor(
    readonly prefix: string,
    readonly bytes: Buffer,
    readonly payloadLength: number,
    readonly lastQuantum: string,
    readonly lastQuantumOffset: number,
    readonly sha256: string,
    readonly written?: DecodedBytesSink,
  ) {}

  /** Characters of the whole value (prefix included). */
  get length(): number {
    return this.prefix.length + this.payloadLength;
  }

  /** The decoded image without the text, for `image_type` base64. */
  decoded(): DecodedBase64 {
    return new DecodedBase64(this.bytes, this.payloadLength, this.sha256, this.written);
  }

  /** The text as the string the JSON body held (for `path` and `url` image types, which are not base64). */
  toString(): string {
    return this.prefix + this.bytes.toString('base64', 0, this.lastQuantumOffset) + this.lastQuantum;
  }
}
