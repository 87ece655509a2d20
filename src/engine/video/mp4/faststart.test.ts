import { describe, expect, it } from 'vitest';
import { moveMoovToFront } from './faststart.ts';
import { findBox, inspectMp4, readBoxes } from './mp4-boxes.ts';

/** A box: 32-bit size, four-character type, payload. */
function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((sum, part) => sum + part.length, 0);
  const bytes = new Uint8Array(size);
  new DataView(bytes.buffer).setUint32(0, size);
  bytes.set([...type].map((character) => character.charCodeAt(0)), 4);
  let offset = 8;
  for (const part of payload) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

function words(...values: number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  values.forEach((value, index) => new DataView(bytes.buffer).setUint32(index * 4, value));
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

const ascii = (text: string) => new TextEncoder().encode(text);

/**
 * A small but structurally real MP4 laid out like h264-mp4-encoder's output: ftyp, free, mdat, moov (last), with
 * two chunks whose offsets point at "CHUNK-A" and "CHUNK-B" inside mdat. `offsetBox` picks stco or co64.
 */
function buildMoovLast(offsetBox: 'stco' | 'co64'): Uint8Array {
  const ftyp = box('ftyp', ascii('mp42'), words(0), ascii('mp42isom'));
  const free = box('free', new Uint8Array(16));
  const mdatPayload = concat(ascii('....CHUNK-A....'), ascii('CHUNK-B.'));
  const mdatStart = ftyp.length + free.length;
  const chunkA = mdatStart + 8 + 4;
  const chunkB = mdatStart + 8 + 15;
  const offsets =
    offsetBox === 'stco'
      ? box('stco', words(0, 2, chunkA, chunkB))
      : box('co64', words(0, 2, 0, chunkA, 0, chunkB));
  const visualEntry = box('avc1', new Uint8Array(24), new Uint8Array([0x02, 0xd0, 0x01, 0xe0]), new Uint8Array(50));
  const stbl = box('stbl', box('stsd', words(0, 1), visualEntry), box('stsz', words(0, 0, 120)), offsets);
  const trak = box(
    'trak',
    box('tkhd', new Uint8Array(84)),
    box(
      'mdia',
      box('mdhd', words(0, 0, 0, 90000, 450000, 0)),
      box('hdlr', words(0, 0), ascii('vide'), new Uint8Array(13)),
      box('minf', stbl),
    ),
  );
  const moov = box('moov', box('mvhd', words(0, 0, 0, 1000, 5000), new Uint8Array(80)), trak);
  return concat(ftyp, free, box('mdat', mdatPayload), moov, box('free', new Uint8Array(4)));
}

function chunkTexts(bytes: Uint8Array, offsetBox: 'stco' | 'co64'): string[] {
  const table = findBox(bytes, ['moov', 'trak', 'mdia', 'minf', 'stbl', offsetBox])!;
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const count = view.getUint32(table.payloadStart + 4);
  return Array.from({ length: count }, (_, index) => {
    const offset = offsetBox === 'stco' ? view.getUint32(table.payloadStart + 8 + index * 4) : Number(view.getBigUint64(table.payloadStart + 8 + index * 8));
    return new TextDecoder().decode(bytes.subarray(offset, offset + 7));
  });
}

describe('MP4 box reader', () => {
  it('reads the top-level boxes and summarises the video track', () => {
    const file = buildMoovLast('stco');
    const summary = inspectMp4(file);
    expect(summary.topLevel).toEqual(['ftyp', 'free', 'mdat', 'moov', 'free']);
    expect(summary.majorBrand).toBe('mp42');
    expect(summary.movieDurationSeconds).toBe(5);
    expect(summary.videoTracks).toEqual([{ codec: 'avc1', width: 720, height: 480, timescale: 90000, durationSeconds: 5, sampleCount: 120 }]);
  });

  it('rejects a box whose size runs past the end of the file', () => {
    const file = buildMoovLast('stco');
    expect(() => readBoxes(file.subarray(0, file.length - 20))).toThrow(/declares \d+ bytes, past its container/);
  });
});

describe('moveMoovToFront', () => {
  for (const offsetBox of ['stco', 'co64'] as const) {
    it(`puts moov before mdat and shifts the ${offsetBox} chunk offsets so they still point at the same media`, () => {
      const original = buildMoovLast(offsetBox);
      expect(chunkTexts(original, offsetBox)).toEqual(['CHUNK-A', 'CHUNK-B']);

      const moved = moveMoovToFront(original);
      expect(moved.length).toBe(original.length);
      expect(readBoxes(moved).map((entry) => entry.type)).toEqual(['ftyp', 'free', 'moov', 'mdat', 'free']);
      expect(chunkTexts(moved, offsetBox)).toEqual(['CHUNK-A', 'CHUNK-B']);
      expect(inspectMp4(moved).videoTracks[0].sampleCount).toBe(120);
    });
  }

  it('returns a file whose moov already precedes mdat unchanged', () => {
    const moved = moveMoovToFront(buildMoovLast('stco'));
    expect(moveMoovToFront(moved)).toBe(moved);
  });

  it('refuses a file without moov', () => {
    expect(() => moveMoovToFront(box('mdat', new Uint8Array(4)))).toThrow('the MP4 has no moov box');
  });
});
