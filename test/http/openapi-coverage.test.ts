/**
 * The OpenAPI document is generated from the route schemas; this checks the other direction: every route the app
 * actually answers is in the document (a route added without `defineRoute` would otherwise be invisible to clients).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorAreas } from '../../src/errors/catalogue.ts';
import { createTestApp } from '../support/test-context.ts';

let harness: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  harness = await createTestApp();
});
afterAll(async () => {
  await harness.close();
});

/** Routes that serve the document itself or its viewer; describing them in it would be circular. */
const undocumented = new Set(['GET /openapi.json', 'GET /docs']);

describe('the OpenAPI document', () => {
  it('lists every route the app answers, with its method', async () => {
    const response = await harness.app.request('/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toMatch(/^3\.1/);
    const served = harness.app.routes
      .filter((route) => route.method !== 'ALL' && !route.path.includes('*'))
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')}`)
      .filter((route) => !undocumented.has(route));
    expect(served.length).toBeGreaterThan(15);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(served.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !served.includes(route) && !route.startsWith('HEAD '))).toEqual([]);
  });

  it('gives the image-to-video request a video model and prompt as examples, not the image edit\'s', async () => {
    const document = (await (await harness.app.request('/openapi.json')).json()) as { components: { schemas: Record<string, { properties: Record<string, { example?: unknown }> }> } };
    const video = document.components.schemas.ImageToVideoRequest.properties;
    const image = document.components.schemas.ImageToImageRequest.properties;
    expect(video.model.example).toBe('wan2.2-i2v-plus');
    expect(image.model.example).toBe('wanx2.1-i2i-turbo');
    expect(video.prompt.example).not.toBe(image.prompt.example);
  });

  it("lists on every route the errors the middleware answers before any handler (Host check, body limit, shutdown)", async () => {
    const document = (await (await harness.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const missing = Object.entries(document.paths).flatMap(([path, operations]) => Object.entries(operations).flatMap(([method, operation]) => {
      const expected = method === 'get' || method === 'head' ? ['400', '403', '413'] : ['400', '403', '413', '503'];
      return expected.filter((status) => !(status in operation.responses)).map((status) => `${method.toUpperCase()} ${path}: ${status}`);
    }));
    expect(missing).toEqual([]);
  });

  it('lists on the synchronous AOG generation routes every status their task can fail with (the answer is the task\'s error)', async () => {
    const document = (await (await harness.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const { task_canceled, task_deadline_exceeded, task_wait_timeout, task_interrupted, task_not_pollable } = errorAreas.task;
    const taskFailures = [...Object.values(errorAreas.provider), ...Object.values(errorAreas.engine), task_canceled, task_deadline_exceeded, task_wait_timeout, task_interrupted, task_not_pollable];
    const statuses = [...new Set(taskFailures.map((spec) => String(spec.status)))];
    const missing = ['/aog/v0.2/services/image-to-image', '/aog/v0.2/services/image-to-video'].flatMap((path) =>
      statuses.filter((status) => !(status in document.paths[path].post.responses)).map((status) => `POST ${path}: ${status}`));
    expect(missing).toEqual([]);
  });
});
