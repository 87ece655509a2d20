import { createHash, type Hash } from 'node:crypto';
import { InlineBase64Text, type DecodedBytesSink } from './inline-base64-text.ts';

/** Characters per decoded slice: a multiple of 4 (whole base64 quanta), small enough for short-lived strings. */
const sliceCharacters = 64 * 1024;
const equalsSign = 0x3d;
const minus = 0x2d;
const underscore = 0x5f;

/**
 * Decodes one base64 payload that arrives in pieces (the characters of a JSON string, chunk by chunk as the body
 * arrives), hashing the decoded bytes on the way, so that the image is decoded and hashed while the client is still
 * sending it and its text never exists in one piece.
 *
 * Accepts exactly the well-formed base64 `decodeBase64Input` decodes to the same bytes: the alphabet only, padding
 * (at most two `=`) only at the end, not an impossible length. Anything else — whitespace, escapes, base64url, a
 * stray `=` — makes `write` or `end` answer false, and `consumedText` then gives back every character written so
 * far, exactly, so the caller can read the value the ordinary way instead.
 *
 * How the check stays cheap: `Buffer#write(…, 'base64')` skips characters outside the alphabet, each skipped one
 * shortening the output, so a slice that decodes to exactly ¾ of its length held none. `=`, `-` and `_` (which Node
 * also decodes) are searched for natively.
 *
 * Exactness of `consumedText`: every quantum except the last is decoded as soon as a later character shows it is not
 * the last, and a whole quantum of alphabet characters encodes back to the same four characters; the last quantum
 * (whose unused bits may be anything) and the padding are kept as text until `end`.
 */
export class Base64StreamDecoder {
  private output: Buffer;
  private written = 0;
  /** The last 1–4 data characters, not decoded yet: the final quantum, for all this decoder knows so far. */
  private tail = '';
  private padding = 0;
  private dataCharacters = 0;
  private readonly hash: Hash = createHash('sha256');
  private failed = false;

  /**
   * @param prefix a `data:…;base64,` prefix already read (kept for `consumedText` and the result), or ''
   * @param expectedBytes room to reserve for the decoded bytes (the body's remaining length × ¾ is an upper bound);
   *   the buffer grows if it was too small
   * @param sink receives the decoded bytes as they are decoded, in order (a file being written meanwhile); the
   *   decoder does not discard it when the text turns out not to be base64 — its owner does
   */
  constructor(private readonly prefix: string, expectedBytes: number, private readonly sink?: DecodedBytesSink) {
    this.output = Buffer.allocUnsafe(Math.max(3, Math.ceil(expectedBytes)));
  }

  /**
   * Takes the next characters (ASCII bytes). False when they cannot continue well-formed base64; the decoder is then
   * unusable except for `consumedText`, which excludes these characters.
   */
  write(characters: Buffer): boolean {
    if (this.failed) return false;
    if (characters.length === 0) return true;
    const firstEquals = characters.indexOf(equalsSign);
    if (this.padding > 0 || firstEquals !== -1) return this.writeWithPadding(characters, firstEquals);
    return this.writeData(characters);
  }

  /**
   * Ends the payload. On success, the decoded value (with its SHA-256); undefined when the whole is not well-formed
   * (empty, an impossible length), in which case `consumedText` still gives back every character.
   */
  end(): InlineBase64Text | undefined {
    if (this.failed) return undefined;
    this.failed = true; // ended (or not well formed): no more writes either way
    const payloadLength = this.dataCharacters + this.padding;
    if (this.dataCharacters === 0 || payloadLength % 4 === 1 || this.dataCharacters % 4 === 1) return undefined;
    const before = this.written;
    const expected = Math.floor((this.tail.length * 6) / 8);
    this.reserve(expected);
    if (this.output.write(this.tail, this.written, 'base64') !== expected) return undefined;
    this.written += expected;
    this.hash.update(this.output.subarray(before, this.written));
    this.sink?.write(this.output.subarray(before, this.written));
    const lastQuantum = this.tail + '='.repeat(this.padding);
    return new InlineBase64Text(this.prefix, this.trimmedOutput(), payloadLength, lastQuantum, before, this.hash.digest('hex'), this.sink);
  }

  /** Every character accepted so far (the prefix included), exactly as written: for reading the value another way. */
  consumedText(): string {
    return this.prefix + this.output.toString('base64', 0, this.written) + this.tail + '='.repeat(this.padding);
  }

  private writeWithPadding(characters: Buffer, firstEquals: number): boolean {
    // Padding may only be followed by padding, two at most in all.
    const paddingStart = this.padding > 0 ? 0 : firstEquals;
    let wellFormed = this.padding + characters.length - paddingStart <= 2;
    for (let index = paddingStart; wellFormed && index < characters.length; index += 1) wellFormed = characters[index] === equalsSign;
    if (!wellFormed) return this.rollBack(this.written);
    if (paddingStart > 0 && !this.writeData(characters.subarray(0, paddingStart))) return false;
    this.padding += characters.length - paddingStart;
    return true;
  }

  /** Data characters (no `=`): decodes every quantum that is now known not to be the last. */
  private writeData(characters: Buffer): boolean {
    if (characters.includes(minus) || characters.includes(underscore)) return this.rollBack(this.written);
    const total = this.tail.length + characters.length;
    if (total <= 4) {
      this.tail += characters.toString('latin1');
      this.dataCharacters += characters.length;
      return true;
    }
    // The tail completed to a whole quantum (more characters follow it, so it is not the last), then whole quanta,
    // keeping the last 1–4 characters back.
    const headLength = (4 - this.tail.length) % 4;
    const afterHead = characters.length - headLength;
    const keep = afterHead % 4 === 0 ? 4 : afterHead % 4;
    const bodyEnd = characters.length - keep;
    const writtenBefore = this.written;
    this.reserve(((this.tail.length > 0 ? 4 : 0) + bodyEnd - headLength) * 3 / 4);
    if (this.tail.length > 0 && !this.decode(this.tail + characters.toString('latin1', 0, headLength))) return this.rollBack(writtenBefore);
    for (let start = headLength; start < bodyEnd; start += sliceCharacters) {
      if (!this.decode(characters.toString('latin1', start, Math.min(bodyEnd, start + sliceCharacters)))) return this.rollBack(writtenBefore);
    }
    this.hash.update(this.output.subarray(writtenBefore, this.written));
    this.sink?.write(this.output.subarray(writtenBefore, this.written));
    this.tail = characters.toString('latin1', bodyEnd);
    this.dataCharacters += characters.length;
    return true;
  }

  /** Decodes whole quanta; false when a character was outside the alphabet (the output came up short). */
  private decode(quanta: string): boolean {
    const expected = (quanta.length / 4) * 3;
    if (this.output.write(quanta, this.written, 'base64') !== expected) return false;
    this.written += expected;
    return true;
  }

  private rollBack(writtenBefore: number): false {
    this.written = writtenBefore;
    this.failed = true;
    return false;
  }

  /**
   * The decoded bytes. The buffer was sized for the rest of the body, which can hold more than this value (a large
   * mask after the image): a buffer mostly unused is copied to size, so a task does not keep the spare room alive.
   */
  private trimmedOutput(): Buffer {
    const spare = this.output.length - this.written;
    if (spare <= 64 * 1024 || spare <= this.written / 8) return this.output.subarray(0, this.written);
    return Buffer.from(this.output.subarray(0, this.written));
  }

  /** Makes room for `bytes` more decoded bytes, doubling the buffer when the first estimate was short. */
  private reserve(bytes: number): void {
    const needed = this.written + Math.ceil(bytes);
    if (needed <= this.output.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.output.length * 2));
    this.output.copy(grown, 0, 0, this.written);
    this.output = grown;
  }
}
