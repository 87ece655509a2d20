import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../src/errors/render-error.ts';
import type { Warning } from '../../src/providers/spec/warning.ts';
import type { TaskResource } from '../../src/tasks/task-resource.ts';
import { createTestApp } from '../support/test-context.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

const route = '/aog/v0.2/services/image-to-video';
let harness: Awaited<ReturnType<typeof createTestApp>>;
let photoPath: string;

beforeAll(async () => {
  harness = await createTestApp();
  photoPath = join(harness.dataDirectory, 'photo.png');
  await writeFile(photoPath, await makePhotoLikeImage(128, 96));
});
afterAll(() => harness.close());

/** The route's answers: a video, an accepted task, or an error (tests read the fields the status implies). */
type VideoAnswer = { id: string; data: string; warnings: Warning[]; state: string; task_url: string } & ErrorBody;

describe('POST /aog/v0.2/services/image-to-video', () => {
  it('answers the notebook shape {id, data} with an MP4 URL Atelier serves with Range', async () => {
    const response = await harness.post(route, { model: 'wan2.2-i2v-plus', image: photoPath, image_type: 'path', prompt: 'Make the clouds move slowly', duration: 3, resolution: '480P' });
    const body = (await response.json()) as VideoAnswer;
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['data', 'id', 'warnings']);
    expect(typeof body.id).toBe('string');
    expect(body.data).toMatch(/^http:\/\/atelier\.test\/v1\/files\/[0-9a-f]{64}\.mp4$/);
    // No DashScope key here: the cloud model name is served by the embedded engine, and the response says so.
    expect(body.warnings.some((warning) => warning.feature === 'model')).toBe(true);

    const video = await harness.app.request(new URL(body.data).pathname);
    expect(video.status).toBe(200);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await video.arrayBuffer());
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const range = await harness.app.request(new URL(body.data).pathname, { headers: { range: 'bytes=0-99' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`);

    const task = (await (await harness.app.request(`/v1/tasks/${body.id}`)).json()) as TaskResource;
    expect(task).toMatchObject({ service: 'image-to-video', state: 'succeeded', requested_model: 'wan2.2-i2v-plus', usage: { video_seconds: 3 } });
  });

  it('answers 202 with the task id at once when "async": true', async () => {
    const response = await harness.post(route, { image: photoPath, image_type: 'path', prompt: 'zoom out', duration: 3, resolution: '480P', async: true });
    expect(response.status).toBe(202);
    const body = (await response.json()) as VideoAnswer;
    expect(body).toEqual({ id: expect.any(String), state: 'queued', task_url: `http://atelier.test/v1/tasks/${body.id}` });
    expect(body).not.toHaveProperty('data');
    const finished = (await (await harness.app.request(`/v1/tasks/${body.id}`, { headers: {} })).json()) as TaskResource;
    expect(finished.id).toBe(body.id);
    const events = await (await harness.app.request(`/v1/tasks/${body.id}/events`)).text();
    expect(events).toContain('event: task-end');
    const done = (await (await harness.app.request(`/v1/tasks/${body.id}`)).json()) as TaskResource;
    expect(done.outputs).toEqual([expect.objectContaining({ media_type: 'video/mp4' })]);
  });

  it('fails with a real error and no id, never a 200 without a video', async () => {
    const missing = await harness.post(route, { model: 'wan2.2-i2v-plus', image_type: 'path' });
    expect(missing.status).toBe(400);
    const missingBody = (await missing.json()) as ErrorBody;
    expect(missingBody).toMatchObject({ business_code: 40061, message: 'image request param lost' });
    expect(missingBody).not.toHaveProperty('id');

    const tooLong = await harness.post(route, { image: photoPath, image_type: 'path', duration: 9 });
    const tooLongBody = (await tooLong.json()) as ErrorBody;
    expect(tooLong.status, JSON.stringify(tooLongBody)).toBe(400);
    expect(tooLongBody.code).toBe('parameter_invalid');
    expect(tooLongBody.message).toContain('duration');
    expect(tooLongBody).not.toHaveProperty('id');
    expect(tooLongBody).not.toHaveProperty('data');
  });
});

describe('a client that disconnects', () => {
  it('stops waiting, and the task still finishes and stays retrievable', async () => {
    const client = new AbortController();
    const answer = harness.app.request(route, {
      method: 'POST', headers: { 'content-type': 'application/json' }, signal: client.signal,
      body: JSON.stringify({ image: photoPath, image_type: 'path', prompt: 'Make the lights flicker', duration: 3, resolution: '480P' }),
    });
    let taskId: string | undefined;
    await expect.poll(async () => {
      const page = (await (await harness.app.request('/v1/tasks?limit=1')).json()) as { data: TaskResource[] };
      taskId = page.data[0]?.state === 'running' ? page.data[0].id : undefined;
      return taskId;
    }).toBeDefined();
    client.abort();
    expect((await answer).status).toBe(499);
    const finished = await harness.context.tasks.wait(taskId!, { waitMilliseconds: 30_000 });
    expect(finished.state).toBe('succeeded');
  });
});

describe('the synchronous wait limit', () => {
  it('answers 504 task_wait_timeout with task_id when the limit runs out, and the task keeps running', async () => {
    // 1 ms: below the flag's one-second minimum, so even the quickest video outlasts it.
    const impatient = await createTestApp({ adjustSettings: (settings) => ({ ...settings, syncWaitMilliseconds: { ...settings.syncWaitMilliseconds, video: 1 } }) });
    try {
      const imagePath = join(impatient.dataDirectory, 'photo.png');
      await writeFile(imagePath, await makePhotoLikeImage(128, 96));
      const response = await impatient.post(route, { model: 'wan2.2-i2v-plus', image: imagePath, image_type: 'path', duration: 3, resolution: '480P' });
      const body = (await response.json()) as ErrorBody;
      expect(response.status).toBe(504);
      expect(body).toMatchObject({ code: 'task_wait_timeout', business_code: 150705, task_id: expect.any(String) });
      expect(body).not.toHaveProperty('id');
      expect(body.message).toContain(`GET /v1/tasks/${body.task_id}`);
      const finished = await impatient.context.tasks.wait(body.task_id as string, { waitMilliseconds: 30_000 });
      expect(finished.state).toBe('succeeded');
    } finally {
      await impatient.close();
    }
  });
});
