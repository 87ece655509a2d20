import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../engine/seeded-random.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { parseJsonObject, parseJsonObjectWithInlineBase64 } from './parse-json-body.ts';

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function randomSource(seed: number): () => number {
  const random = createSeededRandom(seed);
  return () => random.next();
}

const fields = ['image', 'mask'];
const minimumLength = 8;

type Outcome = { ok: true; body: unknown; keys: string[] } | { ok: false; code: string; message: string };

function viaJsonParse(bytes: Buffer): Outcome {
  try {
    const body = parseJsonObject(bytes);
    return { ok: true, body, keys: Object.keys(body) };
  } catch (error) {
    return { ok: false, code: (error as GatewayError).code, message: (error as GatewayError).message };
  }
}

/** Chunkings of a body as it may arrive: whole, byte by byte, and in random pieces. */
const chunkings: ReadonlyArray<readonly number[]> = [[Number.MAX_SAFE_INTEGER], [1], [3, 1, 7], [2, 11, 5, 1, 1, 17], [64]];

/** The whole body and one other chunking, so that 20 000 bodies stay quick. */
function someChunkings(random: () => number): Array<readonly number[]> {
  return [chunkings[0], chunkings[1 + Math.floor(random() * (chunkings.length - 1))]];
}

/** The lifting parser, fed in `chunkLengths` pieces, with every lifted value put back as the string it was. */
function viaLifting(bytes: Buffer, chunkLengths: readonly number[] = [bytes.length]): Outcome & { lifted?: number } {
  try {
    const { body, inlineBase64 } = parseJsonObjectWithInlineBase64(bytes, fields, minimumLength, chunkLengths);
    for (const [field, text] of inlineBase64) {
      expect(Object.hasOwn(body, field)).toBe(true);
      body[field] = text.toString();
      // The decoded bytes are the base64 payload's, and their hash is theirs.
      const payload = text.toString().slice(text.prefix.length);
      expect(text.bytes.equals(Buffer.from(payload, 'base64'))).toBe(true);
      expect(text.sha256).toBe(createHash('sha256').update(text.bytes).digest('hex'));
    }
    return { ok: true, body, keys: Object.keys(body), lifted: inlineBase64.size };
  } catch (error) {
    return { ok: false, code: (error as GatewayError).code, message: (error as GatewayError).message };
  }
}

/** Checks every chunking against JSON.parse (and that all of them lift the same values); returns how many were lifted. */
function expectSame(bytes: Buffer, chunkLengthsToTry: ReadonlyArray<readonly number[]> = chunkings): number {
  const expected = viaJsonParse(bytes);
  const liftedCounts = new Set<number>();
  for (const chunkLengths of chunkLengthsToTry) {
    const { lifted, ...comparable } = viaLifting(bytes, chunkLengths);
    expect(comparable, `${chunkLengths.join(',')}: ${bytes.toString('latin1').slice(0, 400)}`).toEqual(expected);
    liftedCounts.add(lifted ?? 0);
  }
  expect(liftedCounts.size, bytes.toString('latin1').slice(0, 400)).toBe(1);
  return [...liftedCounts][0];
}

function base64Of(random: () => number, length: number): string {
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index += 1) bytes[index] = Math.floor(random() * 256);
  return bytes.toString('base64');
}

const nastyStrings = ['', 'plain', 'with "quotes"', 'back\\slash', 'line\nbreak', 'tab\there', '中文提示', 'emoji 🎨', '{"image":"QUJD"}', 'image', '\u0000', '\u2028'];

/** A random JSON value as text, sometimes pretty, sometimes with a base64 string that must stay where it is. */
function randomValue(random: () => number, depth: number): string {
  const pick = random();
  if (pick < 0.25) return JSON.stringify(base64Of(random, Math.floor(random() * 40)));
  if (pick < 0.35) return JSON.stringify(`data:image/png;base64,${base64Of(random, 12 + Math.floor(random() * 20))}`);
  if (pick < 0.5) return JSON.stringify(nastyStrings[Math.floor(random() * nastyStrings.length)]);
  if (pick < 0.6) return String(Math.round((random() - 0.5) * 1e6) / 100);
  if (pick < 0.7) return ['true', 'false', 'null'][Math.floor(random() * 3)];
  if (depth > 2) return '1';
  if (pick < 0.85) return randomObject(random, depth + 1);
  const items = Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  return `[${items.join(',')}]`;
}

const keys = ['image', 'mask', 'image_type', 'prompt', 'model', 'im\\u0061ge', 'imag', 'images', '__proto__', '中', 'ma\\"sk'];

function randomObject(random: () => number, depth: number): string {
  const space = () => [' ', '', '\n', '\t', '\r\n  '][Math.floor(random() * 5)];
  const members = Array.from({ length: Math.floor(random() * 6) }, () => {
    const key = keys[Math.floor(random() * keys.length)];
    return `${space()}"${key}"${space()}:${space()}${randomValue(random, depth)}${space()}`;
  });
  return `{${members.join(',')}}`;
}

/** Damages a body at random: a byte removed, replaced or inserted, or something appended. */
function damage(random: () => number, text: Buffer): Buffer {
  const position = Math.floor(random() * text.length);
  const replacements = [0x22, 0x5c, 0x0a, 0x00, 0x7d, 0x2c, 0x3d, 0x2d, 0x20, 0xff, 0x41];
  const byte = replacements[Math.floor(random() * replacements.length)];
  const kind = random();
  if (kind < 0.3) return Buffer.concat([text.subarray(0, position), text.subarray(position + 1)]);
  if (kind < 0.6) return Buffer.concat([text.subarray(0, position), Buffer.from([byte]), text.subarray(position + 1)]);
  if (kind < 0.9) return Buffer.concat([text.subarray(0, position), Buffer.from([byte]), text.subarray(position)]);
  return Buffer.concat([text, Buffer.from(['x', '}', ' ', ',"a":1}'][Math.floor(random() * 4)])]);
}

describe('parseJsonObjectWithInlineBase64 (InlineBase64Splitter)', () => {
  it('gives JSON.parse\'s result for 20 000 generated bodies, lifting the long base64 values of top-level image and mask', () => {
    const random = randomSource(20261121);
    let lifted = 0;
    for (let round = 0; round < 20_000; round += 1) {
      const body = Buffer.from(randomObject(random, 0));
      lifted += expectSame(random() < 0.1 ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body, someChunkings(random));
    }
    expect(lifted).toBeGreaterThan(1000); // the fast path was really taken
  });

  it('gives the same result or the same error for 20 000 damaged bodies', () => {
    const random = randomSource(7);
    for (let round = 0; round < 20_000; round += 1) {
      const body = Buffer.from(`{"model":"m","image":"${base64Of(random, 24)}","prompt":"p","mask":"data:image/png;base64,${base64Of(random, 12)}"}`);
      expectSame(damage(random, body), someChunkings(random));
    }
  });

  it('takes the last of duplicate keys, as JSON.parse does, in both directions, lifting a key once at most', () => {
    const long = base64Of(randomSource(1), 30);
    expect(expectSame(Buffer.from(`{"image":"${long}","model":"m","image":"short"}`))).toBe(0);
    expect(expectSame(Buffer.from(`{"image":"short","model":"m","image":"${long}"}`))).toBe(1);
    expect(expectSame(Buffer.from(`{"image":"${long}","im\\u0061ge":"${long}A=="}`))).toBe(0);
    // A key is lifted once per body at most: the repeat is read the ordinary way (and wins, as it must).
    expect(expectSame(Buffer.from(`{"image":"${long}","image":"${long}"}`))).toBe(0);
    expect(expectSame(Buffer.from(`{"image":"${long}","image":"${long}","mask":"${long}"}`))).toBe(1);
    // A lifted value that a later key replaced still counts in the error's position.
    expect(expectSame(Buffer.from(`{"image":"${long}", "image": 2 , "b": 01}`))).toBe(0);
  });

  it('leaves nested and escaped values alone and refuses non-base64 text', () => {
    const long = base64Of(randomSource(2), 30);
    expect(expectSame(Buffer.from(`{"nested":{"image":"${long}"},"list":["${long}"]}`))).toBe(0);
    expect(expectSame(Buffer.from(`{"image":"${long.slice(0, 10)}\\/${long.slice(10)}"}`))).toBe(0);
    expect(expectSame(Buffer.from(`{"prompt":"\\"image\\":\\"${long}\\"","image":"${long}"}`))).toBe(1);
    expect(expectSame(Buffer.from(`{"image":"${long.slice(0, 10)} ${long.slice(10)}"}`))).toBe(0);
    expect(expectSame(Buffer.from(`{"image":"${long.slice(0, 10)}\t${long.slice(10)}"}`))).toBe(0); // invalid JSON
    expect(expectSame(Buffer.from(`{"image":"${long.replace(/[+/]/g, '-')}-_"}`))).toBe(0);
    expect(expectSame(Buffer.from(`{"image":"=${long}"}`))).toBe(0);
    expect(expectSame(Buffer.from(`{"image":"DATA:image/png;base64,${long}"}`))).toBe(1);
    expect(expectSame(Buffer.from(`{"image":"data:image/png;charset=x;base64,${long}"}`))).toBe(1);
    expect(expectSame(Buffer.from(`{"image":"data:image/png,${long}"}`))).toBe(0);
    expect(expectSame(Buffer.from(`[{"image":"${long}"}]`))).toBe(0);
    expect(expectSame(Buffer.from(`{"image":"${long}"} x`))).toBe(0);
    expect(expectSame(Buffer.from(''))).toBe(0);
  });

  it('lifts a multi-megabyte image across many decoding slices, however the body arrives', () => {
    const random = randomSource(3);
    const image = base64Of(random, 3 * 1024 * 1024 + 1);
    const bytes = Buffer.from(JSON.stringify({ image, image_type: 'base64', prompt: '改为油画风格' }));
    for (const chunkLengths of [[bytes.length], [65_536], [1000, 7]]) {
      const { body, inlineBase64 } = parseJsonObjectWithInlineBase64(bytes, fields, undefined, chunkLengths);
      expect(body).toEqual({ image: `[base64 text of ${image.length} characters]`, image_type: 'base64', prompt: '改为油画风格' });
      const lifted = inlineBase64.get('image')!;
      expect(lifted.bytes.equals(Buffer.from(image, 'base64'))).toBe(true);
      expect(lifted.sha256).toBe(createHash('sha256').update(lifted.bytes).digest('hex'));
    }
  });

  it('reads an image whose slashes are escaped (PHP\'s json_encode) the ordinary way', () => {
    const image = base64Of(randomSource(4), 768 * 1024);
    const escaped = `{"image":"${image.replace(/\//g, '\\/')}","image_type":"base64"}`;
    const { body, inlineBase64 } = parseJsonObjectWithInlineBase64(Buffer.from(escaped), fields, undefined, [65_536]);
    expect(inlineBase64.size).toBe(0);
    expect(body.image).toBe(image);
  });
});
