/**
 * The AOG image-to-video notebook's code path against the real server (`atelier serve` as a child process), then
 * the task CLI (`atelier tasks …`) and the in-process `atelier image-to-video` against the same files.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAogService, topLevelBoxes } from '../support/aog-client.ts';
import { runAtelierProgram } from '../support/atelier-program.ts';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

/** What the notebook reads from a success: `id` and `data`. */
type VideoAnswer = { id: string; data: string };

let directory: string;
let photoPath: string;
let server: SpawnedServer;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-video-e2e-'));
  photoPath = join(directory, 'cat.jpg');
  await writeFile(photoPath, await makePhotoLikeImage(480, 360, 'jpeg'));
  server = await spawnServer({ args: ['--data-dir', join(directory, 'data'), '--input-root', directory] });
});
afterAll(async () => {
  await server?.stop();
  await rm(directory, { recursive: true, force: true });
});

/** The notebook: `requests.post(url, json=payload, timeout=300)`, success when `id` is truthy, then download `data`. */
async function callNotebook(image: string, prompt: string): Promise<{ result: VideoAnswer; video: Buffer; contentLength: string | null }> {
  const payload: Record<string, string> = { model: 'wan2.2-i2v-plus', image, image_type: 'path' };
  if (prompt) payload.prompt = prompt;
  const { status, body } = await callAogService(server.url, 'image-to-video', payload);
  const result = body as VideoAnswer;
  expect(status, JSON.stringify(result)).toBe(200); // raise_for_status()
  expect(result.id).toBeTruthy();
  const download = await fetch(result.data as string, { signal: AbortSignal.timeout(60_000) });
  expect(download.status).toBe(200);
  return { result, video: Buffer.from(await download.arrayBuffer()), contentLength: download.headers.get('content-length') };
}

function atelier(args: string[]) {
  return runAtelierProgram(args, { ATELIER_SERVER: server.url });
}

describe('the AOG image-to-video notebook against `atelier serve`', () => {
  it('gets an id and an MP4 URL, and the MP4 is H.264 with moov before mdat', async () => {
    const { result, video, contentLength } = await callNotebook(photoPath, '让云朵缓缓移动');
    expect(result.data).toMatch(new RegExp(`^${server.url}/v1/files/[0-9a-f]{64}\\.mp4$`));
    expect(Number(contentLength)).toBe(video.length);
    const boxes = topLevelBoxes(video);
    expect(boxes[0]).toBe('ftyp');
    expect(boxes.indexOf('moov')).toBeGreaterThan(-1);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat')); // fast start: playable while downloading
    expect(video.includes(Buffer.from('avc1'))).toBe(true);
    const range = await fetch(result.data as string, { headers: { range: 'bytes=100-199' } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer())).toEqual(video.subarray(100, 200));
  });

  it('answers the prompt-less cell too, and the task shows up in `atelier tasks`', async () => {
    const { result } = await callNotebook(photoPath, '');
    const list = await atelier(['tasks', 'list', '--service', 'image-to-video', '--state', 'succeeded']);
    expect(list.stdout).toContain(result.id);
    const show = await atelier(['tasks', 'show', result.id as string]);
    expect(show.stdout).toMatch(new RegExp(`${result.id}\\s+succeeded`));
    expect(show.stdout).toContain('video/mp4');
    const cancel = await atelier(['tasks', 'cancel', result.id as string]).catch((error: { code: number; stderr: string }) => error);
    expect(cancel).toMatchObject({ code: 1, stderr: expect.stringContaining('[task_already_finished]') });
  });

  it('`atelier tasks wait` follows a running task to its end', async () => {
    const { status, body: accepted } = await callAogService(server.url, 'image-to-video', { image: photoPath, image_type: 'path', prompt: 'Make ripples on the water surface', async: true });
    expect(status).toBe(202);
    const wait = await atelier(['tasks', 'wait', accepted.id as string, '--json']);
    expect(JSON.parse(wait.stdout)).toMatchObject({ id: accepted.id, state: 'succeeded', progress: 100 });
  });

  it('`atelier image-to-video` renders in-process and saves the MP4', async () => {
    const out = join(directory, 'out', 'leaves.mp4');
    const { stdout } = await atelier(['image-to-video', '--image', photoPath, '--prompt', 'Make the leaves sway in the wind', '--duration', '3', '--resolution', '480P', '--out', out, '--data-dir', join(directory, 'cli-data')]);
    expect(stdout.trim()).toBe(out);
    expect(topLevelBoxes(await readFile(out))[0]).toBe('ftyp');
  });
});
