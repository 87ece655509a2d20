import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import { Base64StreamDecoder } from './base64-stream-decoder.ts';
import { decodeBase64Input } from './decode-base64-input.ts';
import { dataUriPrefixPattern } from './inline-base64-text.ts';

function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const limits = { parameter: 'image', maxBytes: 1024 * 1024 };

function stringOutcome(text: string): { bytes?: Buffer; code?: string; message?: string } {
  try {
    return { bytes: decodeBase64Input(text, limits) };
  } catch (error) {
    return { code: (error as GatewayError).code, message: (error as GatewayError).message };
  }
}

/**
 * Feeds `text` (a data: prefix is read off first, as the splitter does) to a decoder in pieces of the given
 * lengths. When a piece is refused, checks that `consumedText` is exactly the text before that piece.
 */
function decodeInPieces(text: string, pieceLengths: readonly number[]) {
  const prefix = /^data:/i.test(text) ? dataUriPrefixPattern.exec(text)?.[0] : '';
  if (prefix === undefined) return undefined;
  const decoder = new Base64StreamDecoder(prefix, 4);
  const payload = Buffer.from(text.slice(prefix.length), 'latin1');
  for (let start = 0, index = 0; start < payload.length; index += 1) {
    const end = Math.min(payload.length, start + pieceLengths[index % pieceLengths.length]);
    if (!decoder.write(payload.subarray(start, end))) {
      expect(decoder.consumedText()).toBe(prefix + payload.toString('latin1', 0, start));
      return undefined;
    }
    start = end;
  }
  const value = decoder.end();
  if (!value) expect(decoder.consumedText()).toBe(text);
  return value;
}

describe('Base64StreamDecoder', () => {
  it('accepts only text that decodeBase64Input decodes, to the same bytes, in any pieces (100 000 random texts)', () => {
    const random = randomSource(42);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const noise = ['=', '-', '_', ' ', '\n', '\\', '"', '\u00e9', ':', ';', ',', '.'];
    const prefixes = ['', '', '', 'data:image/png;base64,', 'DATA:image/jpeg;base64,', 'data:;base64,', 'data:image/png;a=b;base64,'];
    const pieces = [[1000], [1], [2], [3], [5], [1, 3, 2], [7, 1]];
    let accepted = 0;
    for (let round = 0; round < 100_000; round += 1) {
      let payload = '';
      const length = Math.floor(random() * 24);
      for (let index = 0; index < length; index += 1) {
        payload += random() < 0.04 ? noise[Math.floor(random() * noise.length)] : alphabet[Math.floor(random() * 64)];
      }
      if (random() < 0.3) payload += random() < 0.5 ? '=' : '==';
      const text = prefixes[Math.floor(random() * prefixes.length)] + payload;
      const value = decodeInPieces(text, pieces[Math.floor(random() * pieces.length)]);
      if (!value) continue;
      accepted += 1;
      const expected = stringOutcome(text);
      expect(expected.bytes, text).toBeDefined();
      expect(value.bytes.equals(expected.bytes!), text).toBe(true);
      expect(value.sha256).toBe(createHash('sha256').update(expected.bytes!).digest('hex'));
      expect(decodeBase64Input(value.decoded(), limits).equals(expected.bytes!)).toBe(true);
      expect(value.toString()).toBe(text);
      expect(value.length).toBe(text.length);
    }
    expect(accepted).toBeGreaterThan(20_000);
  });

  it('decodes images larger than one slice and its first buffer, and refuses a bad character in a late piece', () => {
    const bytes = Buffer.alloc(500_001);
    for (let index = 0; index < bytes.length; index += 1) bytes[index] = (index * 2654435761) >>> 24;
    const text = bytes.toString('base64');
    for (const pieceLength of [65_536, 1001, text.length]) {
      const value = decodeInPieces(text, [pieceLength])!;
      expect(value.bytes.equals(bytes)).toBe(true);
      expect(value.toString()).toBe(text);
    }
    expect(decodeInPieces(`${text.slice(0, 400_000)}\n${text.slice(400_001)}`, [4096])).toBeUndefined();
    expect(decodeInPieces(`${text.slice(0, 400_000)}=${text.slice(400_001)}`, [4096])).toBeUndefined();
  });

  it('keeps the unused bits of the last quantum as sent, so the text comes back exactly', () => {
    // "QR==" and "QQ==" both decode to "A"; the text given back must be the one sent.
    const value = decodeInPieces(`${'QUJD'.repeat(10)}QR==`, [3])!;
    expect(value.bytes.toString()).toBe(`${'ABC'.repeat(10)}A`);
    expect(value.toString()).toBe(`${'QUJD'.repeat(10)}QR==`);
  });

  it('keeps the size checks of the string path, in the same order', () => {
    const text = Buffer.alloc(3000, 1).toString('base64');
    const small = { parameter: 'mask', maxBytes: 1000 };
    const viaString = (() => { try { decodeBase64Input(text, small); } catch (error) { return (error as GatewayError).message; } })();
    expect(() => decodeBase64Input(decodeInPieces(text, [100])!.decoded(), small)).toThrow(viaString!);
  });
});
