import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { InlineData, jsonWithInlineData, serializeJsonWithInlineData, type JsonWithInlineData } from './inline-data-json.ts';

/** What `JSON.stringify` gives with every `InlineData` replaced by its data URI string: the bytes the wire must carry. */
function stringifiedWithDataUris(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body, (_key, value: unknown) => (value instanceof InlineData ? value.toDataUri() : value)), 'utf8');
}

async function streamed(json: JsonWithInlineData): Promise<{ bytes: Buffer; chunkLengths: number[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of json.chunks()) chunks.push(chunk);
  return { bytes: Buffer.concat(chunks), chunkLengths: chunks.map((chunk) => chunk.length) };
}

describe('serializeJsonWithInlineData', () => {
  test('is byte-for-byte JSON.stringify with the data URIs in place', () => {
    const image = Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3, 4, 250]);
    const mask = Buffer.from([0x89, 0x50, 0x4e, 0x47, 9]);
    const body = { model: 'm', input: { prompt: '中文 "quoted" \n@@atelier-inline-x-0@@', base_image_url: new InlineData(image, 'image/jpeg'), mask_image_url: new InlineData(mask, 'image/png') }, parameters: { n: 2 } };
    const expected = JSON.stringify({ ...body, input: { ...body.input, base_image_url: body.input.base_image_url.toDataUri(), mask_image_url: body.input.mask_image_url.toDataUri() } });
    expect(serializeJsonWithInlineData(body).toString('utf8')).toBe(expected);
  });

  test('bodies without inline data are plain JSON', () => {
    expect(serializeJsonWithInlineData({ a: [1, 'b'] }).toString('utf8')).toBe('{"a":[1,"b"]}');
  });
});

describe('jsonWithInlineData', () => {
  const bodies: Array<[string, unknown]> = [
    ['no inline value', { model: 'm', input: { prompt: 'plain' }, parameters: { n: 1, seed: null } }],
    ['one inline value', { input: { image: new InlineData(randomBytes(999), 'image/png') } }],
    ['two inline values', { images: [new InlineData(randomBytes(1000), 'image/jpeg'), new InlineData(randomBytes(1001), 'image/webp')], n: 2 }],
    ['inline values of 0, 1, 2, 3, 4 and 5 bytes (every n % 3)', { values: [0, 1, 2, 3, 4, 5].map((size) => new InlineData(randomBytes(size), 'image/png')) }],
    ['adjacent inline values and one at the top level of an array', [new InlineData(randomBytes(7), 'image/png'), new InlineData(randomBytes(8), 'image/png')]],
    ['an inline value as the whole body', new InlineData(randomBytes(10), 'image/gif')],
    ['unicode and escapes around the inline values', { prompt: '日落时的海滩 🌅 "quoted" \\ \n\t é', image: new InlineData(randomBytes(50), 'image/png'), lone: '\ud800', after: 'ß€𝄞' }],
    ['a media type JSON must escape', { image: new InlineData(randomBytes(4), 'image/"odd"\\type') }],
  ];

  test.each(bodies)('%s: the streamed bytes are JSON.stringify with the data URIs, and the declared length is theirs', async (_name, body) => {
    const json = jsonWithInlineData(body);
    const { bytes } = await streamed(json);
    const expected = stringifiedWithDataUris(body);
    expect(bytes.equals(expected)).toBe(true);
    expect(json.length).toBe(expected.length);
    expect(json.toBuffer().equals(expected)).toBe(true);
  });

  test('counts the inline values, so callers can tell plain JSON from a body worth streaming', () => {
    expect(jsonWithInlineData({ a: 1 }).inlineValueCount).toBe(0);
    expect(jsonWithInlineData(bodies[2][1]).inlineValueCount).toBe(2);
  });

  test('a multi-megabyte value comes in many chunks of at most 256 KB, each but the last at least 3/4 full', async () => {
    const image = randomBytes(3 * 1024 * 1024 + 2);
    const body = { model: 'wanx', input: { prompt: '把天空变成日落', base_image_url: new InlineData(image, 'image/jpeg') } };
    const json = jsonWithInlineData(body);
    const { bytes, chunkLengths } = await streamed(json);
    expect(bytes.equals(stringifiedWithDataUris(body))).toBe(true);
    expect(json.length).toBe(bytes.length);
    expect(Math.max(...chunkLengths)).toBeLessThanOrEqual(256 * 1024);
    expect(Math.min(...chunkLengths.slice(0, -1))).toBeGreaterThanOrEqual(192 * 1024);
    expect(chunkLengths.length).toBeGreaterThanOrEqual(Math.ceil(json.length / (256 * 1024)));
  });

  test('a text piece longer than a chunk (a very long prompt) still arrives whole and in order', async () => {
    const body = { prompt: 'ü'.repeat(300_000), image: new InlineData(randomBytes(100_000), 'image/png'), tail: 'z'.repeat(70_000) };
    const json = jsonWithInlineData(body);
    const { bytes } = await streamed(json);
    expect(bytes.equals(stringifiedWithDataUris(body))).toBe(true);
    expect(json.length).toBe(bytes.length);
  });

  test('chunks() can be called again (a retry) and yields the same bytes each time', async () => {
    const body = { prompt: 'again ✓', image: new InlineData(randomBytes(200_000), 'image/png'), mask: new InlineData(randomBytes(5), 'image/png') };
    const json = jsonWithInlineData(body);
    const first = await streamed(json);
    const second = await streamed(json);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(second.chunkLengths).toEqual(first.chunkLengths);
    expect(first.bytes.equals(stringifiedWithDataUris(body))).toBe(true);
  });

  test('every chunk is a new Buffer: writing into one does not change what the next call yields', async () => {
    const json = jsonWithInlineData({ image: new InlineData(randomBytes(100_000), 'image/png') });
    const expected = json.toBuffer();
    for await (const chunk of json.chunks()) chunk.fill(0);
    expect((await streamed(json)).bytes.equals(expected)).toBe(true);
  });
});
