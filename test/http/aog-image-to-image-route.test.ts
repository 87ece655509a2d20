import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePhotoLikeImage } from '../support/test-images.ts';
import { createTestApp } from '../support/test-context.ts';

let harness: Awaited<ReturnType<typeof createTestApp>>;
let photo: Buffer;
let photoPath: string;
const route = '/aog/v0.2/services/image-to-image';

beforeAll(async () => {
  harness = await createTestApp();
  photo = await makePhotoLikeImage(96, 64);
  photoPath = join(harness.dataDirectory, 'photo.png');
  await writeFile(photoPath, photo);
});
afterAll(() => harness.close());

async function expectError(response: Response, status: number, code: string, message?: RegExp) {
  const body = (await response.json()) as Record<string, unknown>;
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(body.code).toBe(code);
  expect(typeof body.business_code).toBe('number');
  expect(body).not.toHaveProperty('id');
  if (message) expect(body.message).toMatch(message);
  return body;
}

describe('health and version', () => {
  it('serves AOG\'s health body on /health, /aog/v0.2/health and /aog/v0.2/services/health', async () => {
    for (const path of ['/health', '/aog/v0.2/health', '/aog/v0.2/services/health']) {
      const response = await harness.app.request(path);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ business_code: 80000, message: 'health interface call success', data: { status: 'UP' } });
    }
  });

  it('serves /version, /engine/health and /engine/version', async () => {
    const version = (await (await harness.app.request('/version')).json()) as { business_code: number; data: Record<string, string> };
    expect(version.business_code).toBe(70000);
    expect(version.data).toMatchObject({ version: 'v0.7', spec_version: 'v0.2' });
    const engines = (await (await harness.app.request('/engine/health')).json()) as { data: Record<string, string> };
    expect(engines.data).toEqual({ 'atelier-local': 'UP' });
    const missing = (await (await harness.app.request('/engine/health?engine_name=ollama')).json()) as { data: Record<string, string> };
    expect(missing.data).toEqual({ ollama: 'NOT_FOUND' });
    expect((await harness.app.request('/engine/version')).status).toBe(200);
  });
});

describe('POST /aog/v0.2/services/image-to-image', () => {
  it('answers in the merged shape both AOG clients read, with urls Atelier serves and local paths', async () => {
    const response = await harness.post(route, { image: photo.toString('base64'), image_type: 'base64', prompt: 'Convert to sketch style' });
    const body = (await response.json()) as Record<string, any>;
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.business_code).toBe(200);
    expect(body.message).toBe('success');
    expect(body.data.url).toHaveLength(1);
    expect(body.url).toEqual(body.data.url);
    expect(body.id).toBe(body.data.id);
    expect(body.url[0]).toMatch(/^http:\/\/atelier\.test\/v1\/files\/[0-9a-f]{64}\.png$/);
    expect(body.local_path[0]).toContain(harness.dataDirectory);
    expect(body.warnings).toEqual([]);
    const file = await harness.app.request(new URL(body.url[0]).pathname);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    const metadata = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
    expect([metadata.width, metadata.height]).toEqual([96, 64]);
  });

  it('serves a path input and n = 2 as two different images', async () => {
    const response = await harness.post(route, { image: photoPath, image_type: 'path', prompt: '改为油画风格', n: 2, seed: 7 });
    const body = (await response.json()) as { url: string[] };
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.url).toHaveLength(2);
    expect(body.url[0]).not.toBe(body.url[1]);
  });

  it('serves the seed\'s cloud model name with the embedded engine and says so in warnings', async () => {
    const response = await harness.post(route, { model: 'wanx2.1-i2i-turbo', image: photoPath, image_type: 'path', prompt: '转换为素描风格' });
    const body = (await response.json()) as { warnings: Array<{ type: string; feature: string; details: string }> };
    expect(response.status).toBe(200);
    expect(body.warnings).toContainEqual(expect.objectContaining({ type: 'substituted', feature: 'model' }));
    expect(body.warnings[0].details).toMatch(/wanx2\.1-i2i-turbo .*embedded engine/);
  });

  it('answers AOG\'s 404 "model not exist" for an unknown model', async () => {
    await expectError(await harness.post(route, { model: 'no-such-model', image: photoPath, image_type: 'path' }), 404, 'model_not_found', /^model not exist/);
  });

  it('refuses always_remote while no cloud provider is configured', async () => {
    const body = await expectError(await harness.post(route, { model: 'wanx2.1-imageedit', image: photoPath, image_type: 'path', hybrid_policy: 'always_remote' }), 404, 'provider_not_configured', /not configured/);
    expect(body.business_code).toBe(40001);
  });

  it('uses AOG\'s messages for missing and unknown image fields', async () => {
    await expectError(await harness.post(route, { prompt: 'x' }), 400, 'parameter_missing', /^image request param lost$/);
    await expectError(await harness.post(route, { image: 'abc' }), 400, 'parameter_missing', /^image_type request param lost$/);
    await expectError(await harness.post(route, { image_type: 'path' }), 400, 'parameter_missing', /^image request param lost$/);
    await expectError(await harness.post(route, { image: 'abc', image_type: 'file' }), 400, 'image_type_invalid', /^unsupported image type: image_type must be one of path, url, base64/);
    await expectError(await harness.post(route, { image: photoPath, image_type: 'path', mask: 'abc' }), 400, 'parameter_missing', /^mask_type request param lost$/);
  });

  it('refuses out-of-range and mistyped parameters with one sentence, never clamping', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ n: 0 }, /^Expected an integer between 1 and 4 for n but received 0 \(number\)$/],
      [{ n: 5 }, /for n but received 5/],
      [{ n: 1.5 }, /for n but received 1.5/],
      [{ n: '2' }, /for n but received "2" \(string\)/],
      [{ strength: 0 }, /^Expected a number greater than 0 and at most 1 for strength/],
      [{ strength: 1.5 }, /for strength/],
      [{ seed: -1 }, /for seed/],
      [{ output_format: 'gif' }, /^Expected one of: png, jpeg, webp for output_format/],
      [{ size: '10x' }, /for size/],
      [{ prompt: 42 }, /for prompt but received 42/],
    ];
    for (const [fields, message] of cases) {
      await expectError(await harness.post(route, { image: photoPath, image_type: 'path', ...fields }), 400, 'parameter_invalid', message);
    }
  });

  it('validates hybrid_policy and remote_service_provider', async () => {
    const policy = await expectError(await harness.post(route, { image: photoPath, image_type: 'path', hybrid_policy: 'sometimes' }), 400, 'hybrid_policy_invalid', /^unsupport hybrid policy/);
    expect(policy.business_code).toBe(10016);
    await expectError(await harness.post(route, { image: photoPath, image_type: 'path', remote_service_provider: { url: 'http://evil' } }), 400, 'remote_service_provider_invalid');
    const provider = await expectError(await harness.post(route, { image: photoPath, image_type: 'path', remote_service_provider: 'nobody' }), 404, 'provider_not_found', /The provider does not exist: nobody/);
    expect(provider.business_code).toBe(40010);
  });

  it('refuses bodies that are not JSON objects, other content types and oversized bodies', async () => {
    const invalid = await expectError(await harness.post(route, '{"image": '), 400, 'request_body_invalid_json');
    expect(invalid.business_code).toBe(40003);
    await expectError(await harness.post(route, '[1,2]'), 400, 'request_body_invalid_json', /JSON object/);
    await expectError(await harness.post(route, 'x', { 'content-type': 'multipart/form-data; boundary=x' }), 415, 'request_content_type_unsupported');
    await expectError(await harness.post(route, '{}', { 'content-type': 'application/json-seq' }), 415, 'request_content_type_unsupported');
    // fetch() sends a string body as text/plain unless told otherwise: read as JSON (the body's own error here).
    await expectError(await harness.post(route, '{}', { 'content-type': 'text/plain;charset=UTF-8' }), 400, 'parameter_missing');
    const huge = await harness.app.request(route, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(64 * 1024 * 1024) }, body: '{}' });
    await expectError(huge, 413, 'request_body_too_large');
  });

  it('refuses a path outside the input roots and keeps serving afterwards', async () => {
    await expectError(await harness.post(route, { image: '/etc/hostname', image_type: 'path' }), 403, 'input_path_outside_roots', /path is outside the allowed roots/);
    expect((await harness.app.request('/health')).status).toBe(200);
  });

  it('ignores unknown and AOG-internal fields such as extra_url', async () => {
    const response = await harness.post(route, { image: photoPath, image_type: 'path', stream: false, extra_url: 'http://169.254.169.254/', request_segments: 2, whatever: 1 });
    expect(response.status).toBe(200);
  });

  it('answers other AOG services and unknown routes with clean 404s', async () => {
    await expectError(await harness.post('/aog/v0.2/services/chat', {}), 404, 'service_not_found');
    await expectError(await harness.app.request('/nope'), 404, 'route_not_found');
  });
});

describe('GET /v1/files/{id}', () => {
  let path: string;
  let etag: string;
  let size: number;
  beforeAll(async () => {
    const body = (await (await harness.post(route, { image: photoPath, image_type: 'path', prompt: 'Make the image brighter' })).json()) as { url: string[] };
    path = new URL(body.url[0]).pathname;
    const response = await harness.app.request(path);
    etag = response.headers.get('etag')!;
    size = (await response.arrayBuffer()).byteLength;
  });

  it('sends a strong ETag and honours If-None-Match', async () => {
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect((await harness.app.request(path, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('serves byte ranges, including suffix ranges', async () => {
    const partial = await harness.app.request(path, { headers: { range: 'bytes=0-9' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 0-9/${size}`);
    expect((await partial.arrayBuffer()).byteLength).toBe(10);
    const suffix = await harness.app.request(path, { headers: { range: 'bytes=-4' } });
    expect(suffix.headers.get('content-range')).toBe(`bytes ${size - 4}-${size - 1}/${size}`);
  });

  it('answers 416 for unsatisfiable ranges and 404 for unknown or malformed ids', async () => {
    await expectError(await harness.app.request(path, { headers: { range: `bytes=${size + 10}-` } }), 416, 'range_not_satisfiable');
    await expectError(await harness.app.request(`/v1/files/${'0'.repeat(64)}.png`), 404, 'file_not_found');
    await expectError(await harness.app.request('/v1/files/..%2F..%2Fetc%2Fpasswd'), 404, 'file_not_found');
  });
});

describe('catalogue and OpenAPI', () => {
  it('lists styles, providers (without keys) and models', async () => {
    const styles = (await (await harness.app.request('/v1/styles')).json()) as { styles: Array<{ id: string; examplePrompts: { en: string[]; zh: string[] } }> };
    expect(styles.styles.length).toBeGreaterThanOrEqual(14);
    for (const style of styles.styles) {
      expect(style.examplePrompts.en.length).toBeGreaterThan(0);
      expect(style.examplePrompts.zh.length).toBeGreaterThan(0);
    }
    const providers = (await (await harness.app.request('/v1/providers')).json()) as { providers: Array<{ id: string; configured: boolean }> };
    expect(providers.providers).toContainEqual(expect.objectContaining({ id: 'local', configured: true }));
    const models = (await (await harness.app.request('/v1/models?service=image-to-image')).json()) as { models: Array<{ id: string; aliases: string[] }> };
    expect(models.models.map((model) => model.id)).toContain('atelier-image');
  });

  it('lists each model\'s provider_options, as the error for an unknown option promises', async () => {
    const { models } = (await (await harness.app.request('/v1/models?service=image-to-image')).json()) as { models: Array<{ id: string; provider_options: Record<string, { type: string }> }> };
    const byId = new Map(models.map((model) => [model.id, model.provider_options]));
    expect(byId.get('wanx2.1-imageedit')).toMatchObject({ function: expect.any(Object), adapt_input: { type: 'boolean' } });
    expect(byId.get('aiart-image-to-image')).toMatchObject({ Styles: expect.any(Object), RspImgType: expect.any(Object), adapt_input: { type: 'boolean' } });
    expect(byId.get('atelier-image')).toEqual({});
  });

  it('generates /openapi.json from the routes and a readable /docs page', async () => {
    const document = (await (await harness.app.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(document.openapi).toBe('3.1.0');
    for (const path of ['/aog/v0.2/services/image-to-image', '/health', '/aog/v0.2/health', '/version', '/v1/files/{id}', '/v1/styles', '/v1/providers', '/v1/models']) {
      expect(document.paths, path).toHaveProperty([path]);
    }
    expect(document.components.schemas).toHaveProperty('ImageToImageRequest');
    const page = await harness.app.request('/docs');
    expect(await page.text()).toContain('/aog/v0.2/services/image-to-image');
  });
});
