/**
 * The AOG notebooks' image-to-image and image-to-video calls, unchanged, against `atelier serve` as a child
 * process: with `DASHSCOPE_API_KEY` set they go to DashScope (the fake, through `DASHSCOPE_BASE_URL`) and the
 * results come back as files Atelier serves; without a key the same calls are served by the embedded engine and
 * the fake hears nothing. What the notebooks do with the answers is covered by aog-notebook.test.ts and
 * image-to-video-notebook.test.ts; this file is only about where the calls go.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashScopeFake, type DashScopeFake } from '../fakes/dashscope-fake-server.ts';
import { callAogService, downloadBytes, topLevelBoxes } from '../support/aog-client.ts';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

/** The notebooks' payloads (aog-notebook.test.ts and image-to-video-notebook.test.ts use the same shapes). */
const imageToImagePayload = (photoPath: string) => ({ model: 'wanx2.1-i2i-turbo', image: photoPath, image_type: 'path', n: 2, prompt: '改为油画风格' });
const imageToVideoPayload = (photoPath: string) => ({ model: 'wan2.2-i2v-plus', image: photoPath, image_type: 'path', prompt: '让云朵缓缓移动' });

let directory: string;
let photoPath: string;
let fake: DashScopeFake;

async function taskProvider(server: SpawnedServer, id: string): Promise<string> {
  const response = await fetch(`${server.url}/v1/tasks/${id}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { provider: string }).provider;
}

/** Checks that every URL is served by this Atelier and holds an image; returns the decoded sizes. */
async function expectImagesServedBy(server: SpawnedServer, urls: string[]): Promise<Array<{ width: number; height: number }>> {
  return Promise.all(urls.map(async (url) => {
    expect(url.startsWith(`${server.url}/v1/files/`), url).toBe(true);
    const metadata = await sharp(await downloadBytes(url)).metadata();
    return { width: metadata.width!, height: metadata.height! };
  }));
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-dashscope-routing-'));
  photoPath = join(directory, 'cat.jpg');
  // 640×480: inside wanx2.1-imageedit's and wan2.2-i2v-plus's input limits, so the photo is sent as it is.
  await writeFile(photoPath, await makePhotoLikeImage(640, 480, 'jpeg'));
  fake = await startDashScopeFake();
});

afterAll(async () => {
  await fake?.stop();
  await rm(directory, { recursive: true, force: true });
});

describe('with DASHSCOPE_API_KEY set', () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnServer({
      args: ['--data-dir', join(directory, 'with-key'), '--input-root', directory],
      // DashScope suggests polling every 3 s (images) and 15 s (video); the fake answers at once.
      env: { DASHSCOPE_API_KEY: fake.apiKey, DASHSCOPE_BASE_URL: fake.baseUrl, ATELIER_MAX_POLL_INTERVAL_MS: '20' },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('sends the notebook\'s image-to-image call to DashScope and serves the results itself', async () => {
    const before = fake.submissions().length;
    const { status, body } = await callAogService(server.url, 'image-to-image', imageToImagePayload(photoPath));
    expect(status, JSON.stringify(body)).toBe(200);
    const submissions = fake.submissions().slice(before);
    expect(submissions).toHaveLength(1);
    expect(submissions[0].path).toBe('/api/v1/services/aigc/image2image/image-synthesis');
    // The notebook's alias is never sent upstream: DashScope gets the canonical model id.
    expect(submissions[0].json).toMatchObject({ model: 'wanx2.1-imageedit', parameters: { n: 2 } });
    expect(body.business_code).toBe(200);
    expect(body.data.url).toHaveLength(2);
    // The fake's results (64×48 PNGs), downloaded by Atelier before they expire and served from its own store.
    expect(await expectImagesServedBy(server, body.data.url)).toEqual([{ width: 64, height: 48 }, { width: 64, height: 48 }]);
    expect(body.warnings).not.toContainEqual(expect.objectContaining({ type: 'substituted', feature: 'model' }));
    expect(await taskProvider(server, body.id)).toBe('aliyun');
  });

  it('sends the notebook\'s image-to-video call to DashScope and serves the MP4 itself', async () => {
    const before = fake.submissions().length;
    const { status, body } = await callAogService(server.url, 'image-to-video', imageToVideoPayload(photoPath));
    expect(status, JSON.stringify(body)).toBe(200);
    const submissions = fake.submissions().slice(before);
    expect(submissions).toHaveLength(1);
    expect(submissions[0].path).toBe('/api/v1/services/aigc/video-generation/video-synthesis');
    expect(submissions[0].json).toMatchObject({ model: 'wan2.2-i2v-plus', input: { prompt: '让云朵缓缓移动' } });
    expect(body.id).toBeTruthy();
    expect(body.data).toMatch(new RegExp(`^${server.url}/v1/files/[0-9a-f]{64}\\.mp4$`));
    const video = await downloadBytes(body.data);
    expect(topLevelBoxes(video)[0]).toBe('ftyp');
    expect(await taskProvider(server, body.id)).toBe('aliyun');
  });
});

describe('without a DashScope key', () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnServer({
      args: ['--data-dir', join(directory, 'without-key'), '--input-root', directory],
      // The base URL alone does not configure DashScope; a key inherited from the developer's shell must not either.
      env: { DASHSCOPE_API_KEY: undefined, DASHSCOPE_BASE_URL: fake.baseUrl, ATELIER_MAX_POLL_INTERVAL_MS: '20' },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves both notebook calls with the embedded engine and sends DashScope nothing', async () => {
    const requestsBefore = fake.server.requests.length;

    const image = await callAogService(server.url, 'image-to-image', imageToImagePayload(photoPath));
    expect(image.status, JSON.stringify(image.body)).toBe(200);
    expect(await expectImagesServedBy(server, image.body.data.url)).toEqual([{ width: 640, height: 480 }, { width: 640, height: 480 }]);
    expect(image.body.warnings).toContainEqual(expect.objectContaining({ type: 'substituted', feature: 'model' }));
    expect(await taskProvider(server, image.body.id)).toBe('local');

    const video = await callAogService(server.url, 'image-to-video', imageToVideoPayload(photoPath));
    expect(video.status, JSON.stringify(video.body)).toBe(200);
    expect(topLevelBoxes(await downloadBytes(video.body.data))).toContain('moov');
    expect(await taskProvider(server, video.body.id)).toBe('local');

    expect(fake.server.requests.length).toBe(requestsBefore);
  });
});
