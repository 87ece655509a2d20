/**
 * Crash recovery with the real server: tasks queued and running (embedded engine and a fake async cloud provider),
 * SIGKILL, restart on the same data directory. Every task must end succeeded, and the provider must have received
 * exactly one submission per cloud task: nothing lost, nothing billed twice.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskResource } from '../../src/tasks/task-resource.ts';
import { startDashScopeFake, type DashScopeFake } from '../fakes/dashscope-fake-server.ts';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';


let dataDirectory: string;
let fake: DashScopeFake;
let server: SpawnedServer | undefined;

beforeAll(async () => {
  dataDirectory = await mkdtemp(join(tmpdir(), 'atelier-crash-'));
  // No concurrency limit at the fake: every submission is accepted, so the count is exactly what Atelier sent.
  fake = await startDashScopeFake({ enforceConcurrency: false });
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  await fake.stop();
  await rm(dataDirectory, { recursive: true, force: true });
});

function start(): Promise<SpawnedServer> {
  return spawnServer({
    args: ['--data-dir', dataDirectory, '--input-root', dataDirectory],
    env: {
      DASHSCOPE_API_KEY: fake.apiKey,
      DASHSCOPE_BASE_URL: fake.baseUrl,
      // Three cloud tasks in flight (two more wait in the queue); one embedded-engine job at a time.
      ATELIER_CONCURRENCY: 'aliyun=3,local=1',
      // DashScope suggests polling video every 15 s; the fake answers at once.
      ATELIER_MAX_POLL_INTERVAL_MS: '100',
    },
  });
}

async function submit(url: string, body: Record<string, unknown>): Promise<TaskResource> {
  const response = await fetch(`${url}/v1/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const task = (await response.json()) as TaskResource;
  expect(response.status, JSON.stringify(task)).toBe(202);
  return task;
}

async function getTask(url: string, id: string): Promise<TaskResource> {
  return (await (await fetch(`${url}/v1/tasks/${id}`)).json()) as TaskResource;
}

describe('crash recovery', () => {
  it('after SIGKILL, a restart finishes every task with exactly one submission per cloud task', async () => {
    const photoPath = join(dataDirectory, 'photo.jpg');
    await writeFile(photoPath, await makePhotoLikeImage(640, 480, 'jpeg'));
    // The first three cloud tasks keep RUNNING at the provider until the fake clock moves on.
    for (let index = 0; index < 3; index++) fake.scriptNextTask({ runningForMs: 3_600_000 });

    server = await start();
    const cloud = (prompt: string) => ({ service: 'image-to-video', model: 'wan2.2-i2v-plus', image: photoPath, image_type: 'path', prompt });
    const cloudTasks = [];
    for (let index = 0; index < 5; index++) cloudTasks.push(await submit(server.url, cloud(`让云朵缓缓移动 ${index}`)));
    expect(cloudTasks.every((task) => task.provider === 'aliyun')).toBe(true);
    const localVideo = await submit(server.url, { service: 'image-to-video', image: photoPath, image_type: 'path', prompt: 'Make the leaves sway in the wind', resolution: '720P' });
    const localImages = [
      await submit(server.url, { service: 'image-to-image', image: photoPath, image_type: 'path', prompt: 'watercolor' }),
      await submit(server.url, { service: 'image-to-image', image: photoPath, image_type: 'path', prompt: 'oil painting' }),
    ];
    expect(localVideo.provider).toBe('local');

    // Kill only once the three cloud tasks are provably held by handle (polled after their operation was saved)
    // and the embedded engine is busy with the video while the image tasks wait.
    await expect.poll(() => new Set(fake.polls().map((poll) => poll.path)).size, { timeout: 30_000, interval: 50 }).toBe(3);
    await expect.poll(async () => (await getTask(server!.url, localVideo.id)).state, { timeout: 30_000, interval: 50 }).toBe('running');
    const before = await Promise.all([...cloudTasks, localVideo, ...localImages].map((task) => getTask(server!.url, task.id)));
    expect(before.map((task) => task.state)).toEqual(['running', 'running', 'running', 'queued', 'queued', 'running', 'queued', 'queued']);
    expect(fake.submissions()).toHaveLength(3);

    expect(await server.stop('SIGKILL')).toBeNull();
    fake.clock.advance(2 * 3_600_000); // the provider finished the running tasks while Atelier was down

    server = await start();
    const all = [...cloudTasks, localVideo, ...localImages];
    for (const task of all) {
      await expect.poll(async () => (await getTask(server!.url, task.id)).state, { timeout: 60_000, interval: 100 }).toMatch(/^(succeeded|failed|canceled)$/);
    }
    const after = await Promise.all(all.map((task) => getTask(server!.url, task.id)));
    for (const task of after) expect(task, JSON.stringify(task.error)).toMatchObject({ state: 'succeeded', progress: 100 });
    expect(fake.submissions()).toHaveLength(cloudTasks.length);
    // Resumed cloud tasks were not submitted again (one attempt); the interrupted embedded-engine video ran again.
    expect(after.slice(0, 3).map((task) => task.attempts)).toEqual([1, 1, 1]);
    expect(after[5].attempts).toBe(2);
    expect(after[5].outputs[0].media_type).toBe('video/mp4');
    const video = await fetch(after[0].outputs[0].url);
    expect(video.headers.get('content-type')).toBe('video/mp4');
  });
});
