import { Base64StreamDecoder } from '../input/base64-stream-decoder.ts';
import { dataUriPrefixPattern, type DecodedBytesSink, type InlineBase64Text } from '../input/inline-base64-text.ts';

/** A JSON object body with its large base64 string values decoded out of it. */
export interface SplitJsonBody {
  /**
   * The body to hand to `JSON.parse`: with each lifted value's characters removed (`"…"` became `""`) — small — or,
   * when the body was not understood or is invalid, the whole body as it arrived, so that `JSON.parse` says why.
   */
  text: Buffer;
  /** Top-level fields whose value — the last one, when a key repeats — was lifted, with that value. */
  lifted: Map<string, InlineBase64Text>;
  /** Whether `text` lacks something of the body (a value was lifted, perhaps one a later duplicate key replaced). */
  cut: boolean;
  /**
   * The whole body as it arrived, lifted values put back: for the error message when `text` does not parse (a
   * remainder fails exactly when the whole body does, but the positions in the message would differ).
   */
  whole(): Buffer;
}

type State =
  | 'start' // before `{` (a BOM, whitespace)
  | 'key-or-end' // after `{`
  | 'expect-key' // after `,`
  | 'key' // inside a key
  | 'colon'
  | 'value' // before a value
  | 'candidate' // the first characters of a string value that may be lifted, held back
  | 'lifting' // a string value going through a decoder
  | 'string' // any other string value
  | 'nested' // inside an object or array value
  | 'literal' // a number, true, false or null
  | 'after-value'
  | 'after-object'
  | 'broken'; // not understood: everything from here is kept as it is, for JSON.parse to judge

const quote = 0x22;
const backslash = 0x5c;
const byteOrderMark = [0xef, 0xbb, 0xbf];
/** A data URI prefix is looked for in this many leading characters at most. */
const prefixSearchLength = 512;

/**
 * Reads a JSON object body chunk by chunk as it arrives, and decodes the string values of chosen top-level fields
 * (`image`, `mask`) as they stream past when they are long, well-formed base64 (bare or a `data:` URI): the image is
 * decoded and hashed while the client is still sending it (`Base64StreamDecoder`), and the body's megabytes never
 * exist in one piece. Everything else — the small remainder — is kept for `JSON.parse`.
 *
 * Only the top-level object's structure is followed; nested values and other strings are stepped over (escapes
 * respected) and kept as they are. A value is lifted only when it is a string without escapes whose characters are
 * all base64, so replacing it with `""` keeps the body valid exactly when it was valid, and parsing the remainder
 * then putting the lifted text back gives `JSON.parse`'s result (the last of duplicate keys wins in both). A value
 * that turns out not to be base64 half-way is given back as text, exactly (see `Base64StreamDecoder.consumedText`);
 * a body whose structure is not understood is given back whole, so `JSON.parse` reports its own error.
 *
 * The caller must not reuse a chunk's memory after `write`: the remainder keeps views of the chunks.
 */
export class InlineBase64Splitter {
  private state: State = 'start';
  private readonly pieces: Array<Buffer | InlineBase64Text> = [];
  private readonly last = new Map<string, InlineBase64Text | undefined>();
  private bodyOffset = 0;
  private byteOrderMarkMatched = 0;
  private keyPieces: Buffer[] = [];
  private key: string | undefined;
  /** Whether the previous byte of the current string started an escape. */
  private escaped = false;
  private nestedDepth = 0;
  private nestedInString = false;
  private candidate: Buffer[] = [];
  private candidateLength = 0;
  private decoder: Base64StreamDecoder | undefined;
  private sink: DecodedBytesSink | undefined;
  /** Every value lifted, also one a later duplicate key replaced (its sink is discarded), with its field. */
  private readonly everLifted: Array<{ field: string; value: InlineBase64Text }> = [];

  /**
   * @param fields top-level keys whose values may be lifted (never `__proto__`)
   * @param minimumLength shortest value worth lifting, in characters
   * @param options.totalLength the body's declared length, if known: sizes the decoded buffer at once
   * @param options.sinkFor where a field's decoded bytes should also go while decoded (a file), if anywhere; a sink
   *   whose value is not lifted after all, or not kept, is discarded here
   */
  constructor(
    private readonly fields: ReadonlySet<string>,
    private readonly minimumLength: number,
    private readonly options: { totalLength?: number; sinkFor?: (field: string) => DecodedBytesSink | undefined } = {},
  ) {}

  /** Takes the next chunk of the body. */
  write(chunk: Buffer): void {
    let position = 0;
    let copyFrom = 0;
    const end = chunk.length;
    while (position < end) {
      switch (this.state) {
        case 'broken':
          position = end;
          break;
        case 'candidate':
        case 'lifting': {
          const closing = chunk.indexOf(quote, position);
          const segmentEnd = closing === -1 ? end : closing;
          const segment = chunk.subarray(position, segmentEnd);
          if (this.state === 'candidate') {
            this.holdCandidate(segment, closing !== -1);
            position = segmentEnd;
          } else if (!this.decoder!.write(segment)) {
            this.giveBackDecoded();
          } else {
            position = segmentEnd;
            if (closing !== -1) this.finishLifting();
          }
          // Back to ordinary scanning: bytes from here on are copied.
          if (this.state !== 'candidate' && this.state !== 'lifting') copyFrom = position;
          break;
        }
        case 'string': {
          const closing = this.stringEnd(chunk, position);
          if (closing === -1) {
            position = end;
          } else {
            position = closing + 1;
            this.state = 'after-value';
          }
          break;
        }
        case 'key': {
          const closing = this.stringEnd(chunk, position);
          this.keyPieces.push(chunk.subarray(position, closing === -1 ? end : closing));
          if (closing === -1) {
            position = end;
          } else {
            position = closing + 1;
            this.key = decodeKey(this.keyPieces);
            this.keyPieces = [];
            this.state = 'colon';
          }
          break;
        }
        case 'nested':
          position = this.stepNested(chunk, position);
          break;
        default: {
          const byte = chunk[position];
          const next = this.structure(byte, this.bodyOffset + position);
          position += 1;
          if (next === 'candidate') {
            // The opening quote is copied; the value's characters are held back from here on.
            this.pieces.push(chunk.subarray(copyFrom, position));
            this.candidate = [];
            this.candidateLength = 0;
          }
          this.state = next;
        }
      }
      if (this.state === 'candidate' || this.state === 'lifting') copyFrom = position;
    }
    if (copyFrom < end && this.state !== 'candidate' && this.state !== 'lifting') this.pieces.push(chunk.subarray(copyFrom, end));
    this.bodyOffset += end;
  }

  /** Ends the body: the remainder and the lifted values, or the whole body when it was not understood. */
  finish(): SplitJsonBody {
    if (this.state === 'candidate') this.giveBackCandidate();
    if (this.state === 'lifting') this.giveBackDecoded();
    const lifted = new Map<string, InlineBase64Text>();
    if (this.state === 'after-object') for (const [key, value] of this.last) if (value) lifted.set(key, value);
    const kept = new Set(lifted.values());
    for (const { value } of this.everLifted) if (!kept.has(value)) discard(value.written);
    const pieces = this.pieces;
    const whole = () => Buffer.concat(pieces.map((piece) => (piece instanceof Buffer ? piece : Buffer.from(piece.toString(), 'latin1'))));
    if (this.state !== 'after-object') return { text: whole(), lifted, cut: false, whole };
    const cut = this.everLifted.length > 0;
    return { text: cut ? Buffer.concat(pieces.filter((piece): piece is Buffer => piece instanceof Buffer)) : whole(), lifted, cut, whole };
  }

  /**
   * Nothing of the body will be used (the client went away, or it is not valid JSON): drops every sink, so no
   * incoming file is left behind; settles once they are gone.
   */
  async abandon(): Promise<void> {
    const sinks = [this.sink, ...this.everLifted.map(({ value }) => value.written)];
    this.sink = undefined;
    await Promise.all(sinks.map((sink) => sink?.discard().catch(() => undefined)));
  }

  /** The state after one structural byte (outside strings, literals and nested values). */
  private structure(byte: number, offset: number): State {
    const state = this.state;
    if (state === 'start' && offset === this.byteOrderMarkMatched && this.byteOrderMarkMatched < 3 && byte === byteOrderMark[this.byteOrderMarkMatched]) {
      this.byteOrderMarkMatched += 1;
      return 'start';
    }
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) return state === 'literal' ? 'after-value' : state;
    switch (state) {
      case 'start':
        return byte === 0x7b && (this.byteOrderMarkMatched === 0 || this.byteOrderMarkMatched === 3) ? 'key-or-end' : 'broken';
      case 'key-or-end':
        return byte === quote ? 'key' : byte === 0x7d ? 'after-object' : 'broken';
      case 'expect-key':
        return byte === quote ? 'key' : 'broken';
      case 'colon':
        return byte === 0x3a ? 'value' : 'broken';
      case 'value':
        return this.valueStart(byte);
      case 'literal':
        // A literal runs up to the next delimiter (its validity is JSON.parse's business).
        if (byte === 0x2c) return 'expect-key';
        if (byte === 0x7d) return 'after-object';
        return byte === 0x5d ? 'broken' : 'literal';
      case 'after-value':
        return byte === 0x2c ? 'expect-key' : byte === 0x7d ? 'after-object' : 'broken';
      default:
        return 'broken';
    }
  }

  private valueStart(byte: number): State {
    const key = this.key;
    const known = key !== undefined && this.fields.has(key);
    // A key is lifted once per body at most: a repeat (pointless in a real request, costly in a hostile one — each
    // lift reserves memory and opens a file) is read the ordinary way, and the value it replaces is dropped now.
    const previous = known ? this.last.get(key!) : undefined;
    if (previous) discard(previous.written);
    const wanted = known && !this.everLifted.some((value) => value.field === key);
    // A wanted key's value is not lifted unless it proves to be a long base64 string (set again if it is).
    if (known) this.last.set(key!, undefined);
    if (byte === quote) {
      this.escaped = false;
      return wanted ? 'candidate' : 'string';
    }
    if (byte === 0x7b || byte === 0x5b) {
      this.nestedDepth = 1;
      this.nestedInString = false;
      return 'nested';
    }
    return byte === 0x2c || byte === 0x7d || byte === 0x5d ? 'broken' : 'literal';
  }

  /**
   * Holds a wanted value's first characters until there are enough to decide: at least `minimumLength` (and, for a
   * `data:` URI, its whole prefix), or the whole value. Then it starts decoding them, or gives them back.
   */
  private holdCandidate(segment: Buffer, complete: boolean): void {
    if (segment.length > 0) {
      this.candidate.push(segment);
      this.candidateLength += segment.length;
    }
    if (this.candidateLength < this.minimumLength) {
      if (complete) this.giveBackCandidate();
      return;
    }
    const held = this.candidate.length === 1 ? this.candidate[0] : Buffer.concat(this.candidate);
    this.candidate = [held];
    let prefix = '';
    if ((held[0] | 0x20) === 0x64 && held.subarray(0, 5).toString('latin1').toLowerCase() === 'data:') {
      const match = dataUriPrefixPattern.exec(held.subarray(0, prefixSearchLength).toString('latin1'));
      if (!match) {
        // The prefix may still be arriving; past the search length (or at the value's end) it is not one.
        if (complete || held.length >= prefixSearchLength) this.giveBackCandidate();
        return;
      }
      prefix = match[0];
    }
    const remainingBody = this.options.totalLength === undefined ? 1024 * 1024 : this.options.totalLength - this.bodyOffset;
    const sink = this.options.sinkFor?.(this.key!);
    const decoder = new Base64StreamDecoder(prefix, (remainingBody * 3) / 4, sink);
    if (!decoder.write(held.subarray(prefix.length))) {
      discard(sink);
      this.giveBackCandidate();
      return;
    }
    this.decoder = decoder;
    this.sink = sink;
    this.candidate = [];
    this.state = 'lifting';
    if (complete) this.finishLifting();
  }

  /** The value's closing quote has come: lifted when the whole is well formed, else given back as text. */
  private finishLifting(): void {
    const value = this.decoder!.end();
    if (!value) {
      this.giveBackDecoded();
      return;
    }
    this.decoder = undefined;
    this.sink = undefined;
    this.pieces.push(value);
    this.everLifted.push({ field: this.key!, value });
    this.last.set(this.key!, value);
    // The closing quote is still to be read (and copied) by the ordinary scanning.
    this.state = 'string';
    this.escaped = false;
  }

  /** Not a lifted value after all: its held characters become ordinary string content. */
  private giveBackCandidate(): void {
    for (const piece of this.candidate) {
      this.pieces.push(piece);
      for (const byte of piece) this.escaped = this.escaped ? false : byte === backslash;
    }
    this.candidate = [];
    this.state = 'string';
  }

  /** A value that stopped being base64 part-way: what was decoded goes back as its exact text. */
  private giveBackDecoded(): void {
    this.pieces.push(Buffer.from(this.decoder!.consumedText(), 'latin1'));
    this.decoder = undefined;
    discard(this.sink);
    this.sink = undefined;
    this.state = 'string';
    this.escaped = false; // base64 characters only so far: no escape is open
  }

  /** The index of the unescaped quote that closes the current string in `chunk` from `start`, or -1. */
  private stringEnd(chunk: Buffer, start: number): number {
    let position = start;
    // Each search runs again only once the position has passed what it found (-1: none left in this chunk), so a
    // long string full of escapes is scanned in linear time.
    let closing = -2;
    let escape = -2;
    while (position < chunk.length) {
      if (this.escaped) {
        this.escaped = false;
        position += 1;
        continue;
      }
      if (closing !== -1 && closing < position) closing = chunk.indexOf(quote, position);
      if (escape !== -1 && escape < position) escape = chunk.indexOf(backslash, position);
      if (escape !== -1 && (closing === -1 || escape < closing)) {
        this.escaped = true;
        position = escape + 1;
        continue;
      }
      return closing;
    }
    return -1;
  }

  /** Steps through a nested object or array value; returns where it stopped (its end, or the chunk's). */
  private stepNested(chunk: Buffer, start: number): number {
    let position = start;
    while (position < chunk.length) {
      if (this.nestedInString) {
        const closing = this.stringEnd(chunk, position);
        if (closing === -1) return chunk.length;
        this.nestedInString = false;
        position = closing + 1;
        continue;
      }
      const byte = chunk[position];
      position += 1;
      if (byte === quote) {
        this.nestedInString = true;
        this.escaped = false;
      } else if (byte === 0x7b || byte === 0x5b) {
        this.nestedDepth += 1;
      } else if (byte === 0x7d || byte === 0x5d) {
        this.nestedDepth -= 1;
        if (this.nestedDepth === 0) {
          this.state = 'after-value';
          return position;
        }
      }
    }
    return position;
  }
}

/** Drops a sink's bytes in the background: nothing waits for it, and a failure leaves a temporary the sweep removes. */
function discard(sink: DecodedBytesSink | undefined): void {
  sink?.discard().catch(() => undefined);
}

/** A key's string value, as `JSON.parse` reads it; undefined when it is not a valid JSON string. */
function decodeKey(pieces: Buffer[]): string | undefined {
  const content = pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
  if (!content.includes(backslash)) return content.toString('utf8');
  try {
    return JSON.parse(`"${content.toString('utf8')}"`) as string;
  } catch {
    return undefined;
  }
}
