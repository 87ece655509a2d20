import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../src/errors/render-error.ts';
import type { TaskResource } from '../../src/tasks/task-resource.ts';
import { verifyWebhookSignature, webhookHeaders } from '../../src/tasks/webhooks/webhook-signature.ts';
import { startLocalServer } from '../support/local-http-server.ts';
import { createTestApp } from '../support/test-context.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

const webhookSecret = 'route-test-secret-0123456789';
let harness: Awaited<ReturnType<typeof createTestApp>>;
let photoPath: string;

beforeAll(async () => {
  // One embedded-engine job at a time, so a second task reliably waits in the queue.
  harness = await createTestApp({ args: ['--allow-private-urls'], env: { ATELIER_WEBHOOK_SECRET: webhookSecret, ATELIER_CONCURRENCY: 'local=1' } });
  photoPath = join(harness.dataDirectory, 'photo.png');
  await writeFile(photoPath, await makePhotoLikeImage(96, 64));
});
afterAll(() => harness.close());

type TaskList = { object: string; data: TaskResource[]; next_cursor: string | null };
/** A task resource or an error body: tests look at whichever fields the status implies. */
type Answer = TaskResource & ErrorBody;

function imageTask(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { service: 'image-to-image', image: photoPath, image_type: 'path', prompt: 'watercolor', ...overrides };
}

async function json<Body = Answer>(response: Response): Promise<Body> {
  return (await response.json()) as Body;
}

async function waitForState(id: string, states: string[]): Promise<TaskResource> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const task = await json(await harness.app.request(`/v1/tasks/${id}`));
    if (states.includes(task.state)) return task;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`task ${id} never reached ${states.join('|')}`);
}

/** Reads a whole SSE response into its events. */
async function readEvents(response: Response): Promise<Array<{ event: string; data: Answer }>> {
  const text = await response.text();
  return text.split('\n\n').filter((block) => block.includes('event:')).map((block) => {
    const event = /^event: (.*)$/m.exec(block)![1];
    const data = block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
    return { event, data: JSON.parse(data) as Answer };
  });
}

describe('POST /v1/tasks', () => {
  it('answers 202 with the queued task and a Location; the task runs to success', async () => {
    const response = await harness.post('/v1/tasks', imageTask());
    expect(response.status).toBe(202);
    const task = await json(response);
    expect(task).toMatchObject({ object: 'task', service: 'image-to-image', provider: 'local', progress: expect.any(Number), outputs: [] });
    expect(['queued', 'running']).toContain(task.state);
    expect(response.headers.get('location')).toBe(`http://atelier.test/v1/tasks/${task.id}`);
    expect(task.links).toEqual({ self: `http://atelier.test/v1/tasks/${task.id}`, events: `http://atelier.test/v1/tasks/${task.id}/events`, cancel: `http://atelier.test/v1/tasks/${task.id}/cancel` });
    const done = await waitForState(task.id, ['succeeded', 'failed']);
    expect(done).toMatchObject({ state: 'succeeded', progress: 100, attempts: 1 });
    expect(done.outputs[0].url).toMatch(/^http:\/\/atelier\.test\/v1\/files\/[0-9a-f]{64}\.(png|jpg)$/);
    const file = await harness.app.request(new URL(done.outputs[0].url).pathname);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^image\//);
  });

  it('holds the request with Prefer: wait and answers 200 once the task ended', async () => {
    const response = await harness.post('/v1/tasks', imageTask({ prompt: 'oil painting' }), { prefer: 'respond-async, wait=60' });
    expect(response.status).toBe(200);
    expect(response.headers.get('preference-applied')).toBe('wait=60');
    expect(await json(response)).toMatchObject({ state: 'succeeded', outputs: [expect.objectContaining({ media_type: expect.stringMatching(/^image\//) })] });
  });

  it('refuses a malformed or too long Prefer: wait instead of clamping it', async () => {
    for (const prefer of ['wait=abc', 'wait=100000', 'wait=-1']) {
      const response = await harness.post('/v1/tasks', imageTask(), { prefer });
      expect(response.status).toBe(400);
      expect(await json(response)).toMatchObject({ code: 'parameter_invalid', message: expect.stringContaining('Prefer: wait') });
    }
  });

  it('returns the same task for a repeated Idempotency-Key and 409 for another body under it', async () => {
    const key = `test-${Date.now()}`;
    const first = await harness.post('/v1/tasks', imageTask({ prompt: 'sketch' }), { 'idempotency-key': key });
    const firstTask = await json(first);
    const again = await harness.post('/v1/tasks', imageTask({ prompt: 'sketch' }), { 'idempotency-key': key });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await json(again)).id).toBe(firstTask.id);
    const conflict = await harness.post('/v1/tasks', imageTask({ prompt: 'cartoon' }), { 'idempotency-key': key });
    expect(conflict.status).toBe(409);
    const body = await json(conflict);
    expect(body).toMatchObject({ code: 'task_idempotency_conflict', business_code: 150702 });
    expect(body.message).toContain(firstTask.id);
  });

  it('reads a large base64 image as bytes, and Idempotency-Key compares it by its content', async () => {
    const large = await sharp(await makePhotoLikeImage(400, 300)).jpeg({ quality: 100 }).toBuffer();
    const other = await sharp(await makePhotoLikeImage(400, 300)).flip().jpeg({ quality: 100 }).toBuffer();
    expect(large.toString('base64').length).toBeGreaterThan(16 * 1024); // long enough to be read as bytes
    const key = `large-${Date.now()}`;
    const body = (image: Buffer, encoding: 'bare' | 'data-uri') => imageTask({ image_type: 'base64', image: encoding === 'bare' ? image.toString('base64') : `data:image/jpeg;base64,${image.toString('base64')}` });
    const first = await harness.post('/v1/tasks', body(large, 'bare'), { 'idempotency-key': key });
    expect(first.status).toBe(202);
    const firstTask = await json(first);
    // The same image sent as a data URI is the same request; another image is not.
    const again = await harness.post('/v1/tasks', body(large, 'data-uri'), { 'idempotency-key': key });
    expect([200, 202]).toContain(again.status); // 200 once the first task has ended
    expect([again.headers.get('idempotent-replayed'), (await json(again)).id]).toEqual(['true', firstTask.id]);
    const conflict = await harness.post('/v1/tasks', body(other, 'bare'), { 'idempotency-key': key });
    expect(conflict.status).toBe(409);
    expect((await waitForState(firstTask.id, ['succeeded', 'failed'])).state).toBe('succeeded');
  });

  it('validates service, inputs and webhook_url with the catalogue errors', async () => {
    const noService = await harness.post('/v1/tasks', { image: photoPath, image_type: 'path' });
    expect(noService.status).toBe(400);
    expect((await json(noService)).message).toBe('Expected one of: image-to-image, image-to-video for service but received nothing');
    const noImage = await harness.post('/v1/tasks', { service: 'image-to-video' });
    expect((await json(noImage)).message).toBe('image request param lost');
    const badStrength = await harness.post('/v1/tasks', imageTask({ strength: 2 }));
    expect(await json(badStrength)).toMatchObject({ code: 'parameter_invalid', message: expect.stringContaining('strength') });
    const badWebhook = await harness.post('/v1/tasks', imageTask({ webhook_url: 'file:///etc/passwd' }));
    expect(await json(badWebhook)).toMatchObject({ code: 'parameter_invalid', message: expect.stringContaining('webhook_url') });
    const missingFile = await harness.post('/v1/tasks', imageTask({ image: join(harness.dataDirectory, 'nope.png') }));
    expect(missingFile.status).toBe(400);
  });

  it('POSTs a signed webhook when the task ends', async () => {
    const deliveries: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
    const receiver = await startLocalServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        deliveries.push({ headers: request.headers, body });
        response.statusCode = 204;
        response.end();
      });
    });
    try {
      const response = await harness.post('/v1/tasks', imageTask({ prompt: 'pixel art', webhook_url: `${receiver.url}/hook?token=secret-token` }));
      const task = await json(response);
      expect(task.webhook).toEqual({ url: `${receiver.url}/hook?…`, state: 'pending', attempts: 0 });
      await expect.poll(() => deliveries.length, { timeout: 20_000 }).toBe(1);
      const [delivery] = deliveries;
      expect(verifyWebhookSignature({ secret: webhookSecret, header: delivery.headers[webhookHeaders.signature] as string, body: delivery.body })).toBe(true);
      expect(JSON.parse(delivery.body)).toMatchObject({ event: 'task-end', task: { id: task.id, state: 'succeeded' } });
      await expect.poll(async () => (await json(await harness.app.request(`/v1/tasks/${task.id}`))).webhook?.state).toBe('delivered');
    } finally {
      await receiver.close();
    }
  });
});

describe('GET /v1/tasks and /v1/tasks/{id}', () => {
  it('lists newest first with state and service filters and cursor pagination', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) ids.push((await json(await harness.post('/v1/tasks', imageTask({ prompt: `variant ${index}` }), { prefer: 'wait=60' }))).id);
    const first = await json<TaskList>(await harness.app.request('/v1/tasks?limit=2&state=succeeded&service=image-to-image'));
    expect(first.object).toBe('list');
    expect(first.data.map((task) => task.id)).toEqual([ids[2], ids[1]]);
    expect(first.next_cursor).toBe(ids[1]);
    const second = await json<TaskList>(await harness.app.request(`/v1/tasks?limit=2&state=succeeded&cursor=${first.next_cursor}`));
    expect(second.data[0].id).toBe(ids[0]);
    const videos = await json<TaskList>(await harness.app.request('/v1/tasks?service=image-to-video&state=failed'));
    expect(videos).toEqual({ object: 'list', data: [], next_cursor: null });
  });

  it('refuses bad filters and answers 404 for unknown tasks', async () => {
    for (const query of ['state=done', 'service=chat', 'limit=0', 'limit=abc', 'cursor=xyz']) {
      const response = await harness.app.request(`/v1/tasks?${query}`);
      expect(response.status, query).toBe(400);
      expect((await json(response)).code).toBe('parameter_invalid');
    }
    const missing = await harness.app.request('/v1/tasks/0190f5e2-7c1a-7b3e-9a51-3f2d8e4b6c10');
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({ code: 'task_not_found', business_code: 150701 });
    expect((await harness.app.request('/v1/tasks/not-an-id/events')).status).toBe(404);
  });
});

describe('POST /v1/tasks/{id}/cancel', () => {
  it('cancels a queued task at once and refuses to cancel a finished one', async () => {
    // The engine runs one job at a time here: a video occupies it while the image task waits.
    const video = await json(await harness.post('/v1/tasks', { service: 'image-to-video', image: photoPath, image_type: 'path', prompt: 'zoom in', duration: 5, resolution: '480P' }));
    const queued = await json(await harness.post('/v1/tasks', imageTask({ prompt: 'queued then canceled' })));
    expect(queued.state).toBe('queued');
    const canceled = await harness.app.request(`/v1/tasks/${queued.id}/cancel`, { method: 'POST' });
    expect(canceled.status).toBe(200);
    expect(await json(canceled)).toMatchObject({ id: queued.id, state: 'canceled', outputs: [] });
    expect((await json(await harness.app.request(`/v1/tasks/${queued.id}/cancel`, { method: 'POST' }))).state).toBe('canceled');
    const finished = await waitForState(video.id, ['succeeded', 'failed']);
    expect(finished.state).toBe('succeeded');
    expect((await waitForState(queued.id, ['canceled', 'succeeded'])).state).toBe('canceled');
    const refused = await harness.app.request(`/v1/tasks/${video.id}/cancel`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect((await json(refused)).code).toBe('task_already_finished');
  });
});

describe('GET /v1/tasks/{id}/events', () => {
  it('streams the state, progress and the end of a task, then closes', async () => {
    const task = await json(await harness.post('/v1/tasks', { service: 'image-to-video', image: photoPath, image_type: 'path', prompt: 'pan left', duration: 3, resolution: '480P' }));
    const response = await harness.app.request(`/v1/tasks/${task.id}/events`);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readEvents(response);
    expect(events[0]).toMatchObject({ event: 'task-state', data: { id: task.id } });
    const last = events[events.length - 1];
    expect(last).toMatchObject({ event: 'task-end', data: { id: task.id, state: 'succeeded' } });
    const progress = events.filter((event) => event.event === 'task-progress').map((event) => event.data.progress as number);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((value) => value >= 0 && value <= 100)).toBe(true);
    expect([...progress].sort((left, right) => left - right)).toEqual(progress);
    // A finished task: one snapshot, then the stream ends.
    const replay = await readEvents(await harness.app.request(`/v1/tasks/${task.id}/events`));
    expect(replay.map((event) => event.event)).toEqual(['task-state']);
  });
});

describe('OpenAPI', () => {
  it('documents every task and video endpoint', async () => {
    const document = await json<{ paths: Record<string, Record<string, unknown>> }>(await harness.app.request('/openapi.json'));
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining([
      '/v1/tasks', '/v1/tasks/{id}', '/v1/tasks/{id}/cancel', '/v1/tasks/{id}/events', '/aog/v0.2/services/image-to-video',
    ]));
    expect(Object.keys(document.paths['/v1/tasks'])).toEqual(expect.arrayContaining(['get', 'post']));
  });
});
