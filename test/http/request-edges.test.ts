/**
 * Requests at the HTTP edges: model parameters out of range on asynchronous routes (a 400 before any task exists),
 * query values outside their enum, names that are Object.prototype members, wrong methods and wrong types.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/test-context.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

let harness: Awaited<ReturnType<typeof createTestApp>>;
let photoPath: string;

beforeAll(async () => {
  harness = await createTestApp();
  photoPath = join(harness.dataDirectory, 'photo.png');
  await writeFile(photoPath, await makePhotoLikeImage(64, 48));
});
afterAll(() => harness.close());

type Body = Record<string, unknown>;

async function answer(response: Response): Promise<{ status: number; body: Body }> {
  return { status: response.status, body: (await response.json()) as Body };
}

describe('POST /v1/tasks: out-of-range fields are a 400 before any task exists (docs/api.md: "Outside it → 400")', () => {
  const videoTask = (overrides: Body) => harness.post('/v1/tasks', { service: 'image-to-video', image: photoPath, image_type: 'path', ...overrides });

  it('refuses duration outside the embedded engine\'s 3–5 with 400 parameter_invalid, not 202 and a failed task', async () => {
    const { status, body } = await answer(await videoTask({ duration: 2 }));
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.code).toBe('parameter_invalid');
  });

  it('refuses an unknown motion with 400 parameter_invalid, not 202', async () => {
    const { status, body } = await answer(await videoTask({ motion: 'no-such-motion' }));
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.code).toBe('parameter_invalid');
  });

  it('refuses an unknown style with 400 style_unknown, not 202', async () => {
    const { status, body } = await answer(await harness.post('/v1/tasks', { service: 'image-to-image', image: photoPath, image_type: 'path', style: 'no-such-style' }));
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.code).toBe('style_unknown');
  });

  it('the AOG video route with "async": true refuses an out-of-range duration with 400, not 202', async () => {
    const { status, body } = await answer(await harness.post('/aog/v0.2/services/image-to-video', { image: photoPath, image_type: 'path', duration: 2, async: true }));
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.code).toBe('parameter_invalid');
  });
});

describe('query parameters and routes', () => {
  it('GET /v1/models refuses a service outside the documented enum with 400, instead of an empty list', async () => {
    const { status, body } = await answer(await harness.app.request('/v1/models?service=image-to-sound'));
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.code).toBe('parameter_invalid');
  });

  it('GET /engine/health answers NOT_FOUND for an engine named like an Object.prototype member', async () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      const { body } = await answer(await harness.app.request(`/engine/health?engine_name=${name}`));
      expect(JSON.stringify(body.data)).toBe(JSON.stringify({ [name]: 'NOT_FOUND' }));
    }
  });

  it('GET on the image-to-image service route is route_not_found, not "image-to-image is not served by Atelier"', async () => {
    const { status, body } = await answer(await harness.app.request('/aog/v0.2/services/image-to-image'));
    expect(status).toBe(404);
    expect(body.code).toBe('route_not_found');
  });

  it('a wrong type for image reads as the one sentence of docs/errors.md, without zod\'s "Invalid input" text', async () => {
    const { status, body } = await answer(await harness.post('/aog/v0.2/services/image-to-image', { image: 5, image_type: 'path' }));
    expect(status).toBe(400);
    expect(body.code).toBe('parameter_invalid');
    expect(body.message).not.toMatch(/Invalid input/);
  });

  it('refuses a size side above 10000 with 400, as documented, instead of passing 99999 on', async () => {
    for (const size of ['10001x10', '99999x99999']) {
      const { status, body } = await answer(await harness.post('/aog/v0.2/services/image-to-image', { image: photoPath, image_type: 'path', size }));
      expect(status, size).toBe(400);
      expect(body).toMatchObject({ code: 'parameter_invalid', message: expect.stringMatching(/1–10000/) });
    }
  });
});

describe('a query parameter given twice is a 400, not one of its values taken silently', () => {
  it.each([
    ['/v1/tasks?state=queued&state=running', 'state'],
    ['/v1/models?service=image-to-image&service=image-to-video', 'service'],
    ['/engine/health?engine_name=atelier-local&engine_name=ollama', 'engine_name'],
  ])('GET %s names %s', async (path, name) => {
    const { status, body } = await answer(await harness.app.request(path));
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.code).toBe('parameter_invalid');
    expect(body.message).toContain(name);
    expect(body.message).toContain('2 values');
  });

  it('still answers the same parameter given once, and distinct parameters', async () => {
    expect((await harness.app.request('/v1/tasks?state=queued&limit=5')).status).toBe(200);
    expect((await harness.app.request('/v1/models?service=image-to-image')).status).toBe(200);
  });
});
