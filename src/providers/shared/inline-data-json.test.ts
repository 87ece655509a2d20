import { describe, expect, test } from 'vitest';
import { InlineData, serializeJsonWithInlineData } from './inline-data-json.ts';

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
