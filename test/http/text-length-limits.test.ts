/**
 * Request text limits count characters (Unicode code points), as the OpenAPI document's `maxLength` promises
 * (JSON Schema counts code points): a prompt of emoji or rare CJK characters is accepted up to its documented limit.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePhotoLikeImage } from '../support/test-images.ts';
import { createTestApp } from '../support/test-context.ts';

let harness: Awaited<ReturnType<typeof createTestApp>>;
let photoPath: string;

beforeAll(async () => {
  harness = await createTestApp();
  photoPath = join(harness.dataDirectory, 'photo.png');
  await writeFile(photoPath, await makePhotoLikeImage(96, 64));
});
afterAll(() => harness.close());

const emoji = (count: number) => '😀'.repeat(count);
const rareCharacter = (count: number) => '𠀀'.repeat(count);

async function answer(path: string, fields: Record<string, unknown>) {
  const response = await harness.post(path, { image: photoPath, image_type: 'path', ...fields });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('text limits of the request schemas count characters', () => {
  it('image-to-image: a prompt of exactly 4000 emoji is served, 4001 is a 400 naming the unit', async () => {
    const served = await answer('/aog/v0.2/services/image-to-image', { prompt: emoji(4000) });
    expect(served.status, JSON.stringify(served.body)).toBe(200);
    const refused = await answer('/aog/v0.2/services/image-to-image', { prompt: emoji(4001) });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'parameter_invalid', business_code: 40061 });
    expect(refused.body.message).toBe(`Expected a string of at most 4000 characters for prompt but received "${emoji(57)}..." (string)`);
  });

  it('image-to-image: a negative prompt of exactly 2000 CJK Extension B characters is served, 2001 is a 400', async () => {
    expect((await answer('/aog/v0.2/services/image-to-image', { prompt: 'watercolor', negative_prompt: rareCharacter(2000) })).status).toBe(200);
    const refused = await answer('/aog/v0.2/services/image-to-image', { prompt: 'watercolor', negative_prompt: rareCharacter(2001) });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'parameter_invalid', business_code: 40061 });
    expect(refused.body.message).toMatch(/^Expected a string of at most 2000 characters for negative_prompt/);
  });

  it('POST /v1/tasks checks the same schemas the same way', async () => {
    const accepted = await answer('/v1/tasks', { service: 'image-to-image', prompt: emoji(4000) });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    const refused = await answer('/v1/tasks', { service: 'image-to-image', prompt: emoji(4001) });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'parameter_invalid' });
    expect(refused.body.message).toMatch(/^Expected a string of at most 4000 characters for prompt/);
  });

  it('the OpenAPI document still states each limit as maxLength', async () => {
    const document = (await (await harness.app.request('/openapi.json')).json()) as { components: { schemas: Record<string, { properties?: Record<string, { maxLength?: number }> }> } };
    const imageToImage = document.components.schemas.ImageToImageRequest.properties!;
    expect(imageToImage.prompt.maxLength).toBe(4000);
    expect(imageToImage.negative_prompt.maxLength).toBe(2000);
    expect(imageToImage.model.maxLength).toBe(200);
    expect(imageToImage.style.maxLength).toBe(100);
    expect(document.components.schemas.ImageToVideoRequest.properties!.motion.maxLength).toBe(40);
  });
});
