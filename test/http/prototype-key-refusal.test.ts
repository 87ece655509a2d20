import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonObject } from '../../src/http/parse-json-body.ts';
import { createTestApp } from '../support/test-context.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

// JSON.parse keeps "__proto__" as an ordinary key, but zod's records copy objects key by key, which makes it the
// copy's prototype: the key vanished silently, or its values showed through as inherited provider options.
describe('a __proto__ key anywhere in a JSON body', () => {
  let harness: Awaited<ReturnType<typeof createTestApp>>;
  let image: string;
  beforeAll(async () => {
    harness = await createTestApp();
    image = (await makePhotoLikeImage(320, 240, 'jpeg')).toString('base64');
  });
  afterAll(() => harness.close());

  it.each([
    ['inside one provider\'s options', '"provider_options":{"local":{"__proto__":{"seed":1}}}', 'provider_options.local.__proto__'],
    ['as a provider name', '"provider_options":{"__proto__":{"local":{"seed":1}}}', 'provider_options.__proto__'],
    ['at the top level', '"__proto__":{"n":4}', '__proto__'],
  ])('is refused with 400 parameter_invalid naming it (%s), before any task exists', async (_case, fragment, parameter) => {
    const response = await harness.post('/aog/v0.2/services/image-to-image', `{"image":"${image}","image_type":"base64","prompt":"x",${fragment}}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('parameter_invalid');
    expect(body.message).toContain(`for ${parameter} `);
    expect((await harness.context.tasks.list({ limit: 10 })).tasks).toHaveLength(0);
  });

  it('is found inside arrays and at any depth, and deep nesting without one is read in time', () => {
    expect(() => parseJsonObject(Buffer.from('{"a":[{"b":{"__proto__":1}}]}'))).toThrow(/a\.0\.b\.__proto__/);
    const deep = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(parseJsonObject(Buffer.from(deep))).toHaveProperty('a');
  });
});
