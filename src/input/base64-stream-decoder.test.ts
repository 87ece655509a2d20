import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import { decodeBase64Input } from './decode-base64-input.ts';
import { readInlineBase64 } from './inline-base64-text.ts';

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

describe('readInlineBase64', () => {
  it('accepts only text that decodeBase64Input decodes, and decodes it to the same bytes (100 000 random texts)', () => {
    const random = randomSource(42);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const noise = ['=', '-', '_', ' ', '\n', '\\', '"', '\u00e9', ':', ';', ',', '.'];
    const prefixes = ['', '', '', 'data:image/png;base64,', 'DATA:image/jpeg;base64,', 'data:;base64,', 'data:image/png,', 'data:image/png;a=b;base64,', ' '];
    let accepted = 0;
    for (let round = 0; round < 100_000; round += 1) {
      let payload = '';
      const length = Math.floor(random() * 24);
      for (let index = 0; index < length; index += 1) {
        payload += random() < 0.04 ? noise[Math.floor(random() * noise.length)] : alphabet[Math.floor(random() * 64)];
      }
      if (random() < 0.3) payload += random() < 0.5 ? '=' : '==';
      const text = prefixes[Math.floor(random() * prefixes.length)] + payload;
      const inline = readInlineBase64(Buffer.from(text, 'latin1'));
      if (!inline) continue;
      accepted += 1;
      const expected = stringOutcome(text);
      expect(expected.bytes, text).toBeDefined();
      expect(inline.bytes.equals(expected.bytes!), text).toBe(true);
      expect(decodeBase64Input(inline.decoded(), limits).equals(expected.bytes!)).toBe(true);
      expect(inline.toString()).toBe(text);
    }
    expect(accepted).toBeGreaterThan(20_000);
  });

  it('decodes images larger than one slice, and refuses a bad character in a late slice', () => {
    const bytes = Buffer.alloc(500_000);
    for (let index = 0; index < bytes.length; index += 1) bytes[index] = (index * 2654435761) >>> 24;
    const text = bytes.toString('base64');
    expect(readInlineBase64(Buffer.from(text))!.bytes.equals(bytes)).toBe(true);
    expect(readInlineBase64(Buffer.from(`${text.slice(0, 400_000)}\n${text.slice(400_001)}`))).toBeUndefined();
  });

  it('keeps the size checks of the string path, in the same order', () => {
    const text = Buffer.alloc(3000, 1).toString('base64');
    const small = { parameter: 'mask', maxBytes: 1000 };
    const viaString = (() => { try { decodeBase64Input(text, small); } catch (error) { return (error as GatewayError).message; } })();
    expect(() => decodeBase64Input(readInlineBase64(Buffer.from(text))!.decoded(), small)).toThrow(viaString!);
  });
});
