/**
 * A wanx-style-repaint-v1 `style_ref_url` given as a data URI follows the inputs' rule: its bytes go to the file
 * store before the task exists and the task row keeps a file id, not the base64 (`JobSpec.providerOptionFiles`).
 * DashScope still receives the same data URI (bytes and sniffed type), also when another process runs the task after
 * a restart, and `Idempotency-Key` still tells the same reference from another. In process, the real DashScope
 * adapter against the DashScope fake, on the SQLite task store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config/read-settings.ts';
import { createApp } from '../../src/http/create-app.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { createContext, type AppContext } from '../../src/server/create-context.ts';
import { taskDatabaseFileName } from '../../src/tasks/sqlite/open-sqlite-task-backend.ts';
import { startDashScopeFake, type DashScopeFake } from '../fakes/dashscope-fake-server.ts';
import { createTestApp } from '../support/test-context.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

type Answer = Record<string, any>;

/** The stored task record, as the SQLite row holds it (text), read beside the running server. */
function storedRow(dataDirectory: string, taskId: string): string {
  const database = new Database(join(dataDirectory, taskDatabaseFileName), { readonly: true });
  try {
    return (database.prepare('SELECT record FROM tasks WHERE id = ?').get(taskId) as { record: string }).record;
  } finally {
    database.close();
  }
}

let photo: string;
/** A JPEG labelled PNG (accepted, and sent with the type sniffed from its bytes), and its payload. */
let styleReference: string;
let stylePayload: string;
let otherStyleReference: string;

beforeAll(async () => {
  photo = (await makePhotoLikeImage(640, 480, 'jpeg')).toString('base64');
  stylePayload = (await makePhotoLikeImage(400, 300, 'jpeg')).toString('base64');
  styleReference = `data:image/png;base64,${stylePayload}`;
  otherStyleReference = `data:image/png;base64,${(await makePhotoLikeImage(500, 300, 'jpeg')).toString('base64')}`;
});

const styleTask = (reference: string) => ({
  service: 'image-to-image', model: 'wanx-style-repaint-v1', image: photo, image_type: 'base64',
  provider_options: { aliyun: { style_index: -1, style_ref_url: reference } },
});

/** What DashScope must receive: the same bytes, labelled with the type sniffed from them (as before they were stored). */
const sentReference = () => `data:image/jpeg;base64,${stylePayload}`;

describe('a style reference data URI is stored as a file, not in the task row', () => {
  let fake: DashScopeFake;
  let harness: Awaited<ReturnType<typeof createTestApp>>;

  beforeAll(async () => {
    fake = await startDashScopeFake({ enforceConcurrency: false });
    harness = await createTestApp({
      env: { DASHSCOPE_API_KEY: fake.apiKey, DASHSCOPE_BASE_URL: fake.baseUrl, ATELIER_MAX_POLL_INTERVAL_MS: '20', ATELIER_TASK_ATTEMPTS: '1' },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await fake?.stop();
  });

  const taskOf = async (id: string) => (await (await harness.app.request(`/v1/tasks/${id}`)).json()) as Answer;

  it('keeps a file id in the row, and DashScope receives the same data URI as before', async () => {
    const submissionsBefore = fake.submissions().length;
    const response = await harness.post('/v1/tasks', styleTask(styleReference));
    const task = (await response.json()) as Answer;
    expect(response.status, JSON.stringify(task)).toBe(202);

    const row = storedRow(harness.dataDirectory, task.id);
    expect(row).not.toContain(stylePayload);
    expect(row).not.toContain(stylePayload.slice(2000, 2100)); // not even a piece of it
    expect(row.length).toBeLessThan(stylePayload.length / 4);
    const spec = (JSON.parse(row) as Answer).spec;
    expect(spec.providerOptions).toEqual({ style_index: -1 });
    expect(spec.providerOptionFiles).toEqual({ style_ref_url: { fileId: expect.stringMatching(/^[0-9a-f]{64}\.jpg$/), mediaType: 'image/jpeg' } });
    expect((await harness.context.fileStore.read(spec.providerOptionFiles.style_ref_url.fileId)).toString('base64')).toBe(stylePayload);

    await expect.poll(async () => (await taskOf(task.id)).state, { timeout: 10_000 }).toBe('succeeded');
    expect(JSON.stringify(await taskOf(task.id))).not.toContain(stylePayload.slice(2000, 2100));
    const sent = fake.submissions().slice(submissionsBefore);
    expect(sent).toHaveLength(1);
    expect((sent[0].json as { input: Record<string, unknown> }).input.style_ref_url).toBe(sentReference());
  });

  it('leaves a public URL in the provider options as given', async () => {
    const response = await harness.post('/v1/tasks', styleTask('https://example.com/style.png'));
    const task = (await response.json()) as Answer;
    expect(response.status, JSON.stringify(task)).toBe(202);
    const spec = (JSON.parse(storedRow(harness.dataDirectory, task.id)) as Answer).spec;
    expect(spec.providerOptions).toEqual({ style_index: -1, style_ref_url: 'https://example.com/style.png' });
    expect(spec.providerOptionFiles).toBeUndefined();
    await expect.poll(async () => (await taskOf(task.id)).state, { timeout: 10_000 }).toBe('succeeded');
  });

  it('replays the same request for the same reference under one Idempotency-Key, and refuses another reference', async () => {
    const key = `test-style-${Date.now()}`;
    const first = await harness.post('/v1/tasks', styleTask(styleReference), { 'idempotency-key': key });
    const firstTask = (await first.json()) as Answer;
    expect(first.status, JSON.stringify(firstTask)).toBe(202);
    const again = await harness.post('/v1/tasks', styleTask(styleReference), { 'idempotency-key': key });
    expect([200, 202]).toContain(again.status); // 200 once the first task has ended
    expect([again.headers.get('idempotent-replayed'), ((await again.json()) as Answer).id]).toEqual(['true', firstTask.id]);
    const conflict = await harness.post('/v1/tasks', styleTask(otherStyleReference), { 'idempotency-key': key });
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as Answer).code).toBe('task_idempotency_conflict');
    await expect.poll(async () => (await taskOf(firstTask.id)).state, { timeout: 10_000 }).toBe('succeeded');
  });
});

describe('a stored style reference after a restart', () => {
  let fake: DashScopeFake;
  let dataDirectory: string;
  let context: AppContext | undefined;

  beforeAll(async () => {
    fake = await startDashScopeFake({ enforceConcurrency: false });
    dataDirectory = await mkdtemp(join(tmpdir(), `atelier-style-reference-${process.pid}-`));
  });
  afterAll(async () => {
    await context?.close();
    await fake?.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  });

  async function start() {
    const settings = readSettings(['--data-dir', dataDirectory, '--input-root', dataDirectory, '--public-url', 'http://atelier.test'], {});
    context = await createContext(settings, {
      logger: silentLogger,
      // One DashScope task at a time, so the style task waits in the queue behind a slow one.
      env: { DASHSCOPE_API_KEY: fake.apiKey, DASHSCOPE_BASE_URL: fake.baseUrl, ATELIER_MAX_POLL_INTERVAL_MS: '20', ATELIER_TASK_ATTEMPTS: '1', ATELIER_CONCURRENCY: 'aliyun=1' },
    });
    return createApp(context);
  }

  it('is read back from the file store by the next process, which sends the same data URI', async () => {
    let app = await start();
    const post = (body: unknown) => app.request('/v1/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const taskOf = async (id: string) => (await (await app.request(`/v1/tasks/${id}`)).json()) as Answer;

    fake.scriptNextTask({ runningForMs: 3_600_000 });
    const slow = (await (await post({ ...styleTask(styleReference), provider_options: { aliyun: { style_index: 3 } } })).json()) as Answer;
    await expect.poll(() => fake.polls().length).toBeGreaterThan(0);
    const waiting = (await (await post(styleTask(styleReference))).json()) as Answer;
    expect((await taskOf(waiting.id)).state).toBe('queued');
    expect(fake.submissions()).toHaveLength(1);

    await context!.close(); // the slow task stops polling; the style task was never started
    context = undefined;
    expect(storedRow(dataDirectory, waiting.id)).not.toContain(stylePayload.slice(2000, 2100));
    fake.clock.advance(3_600_001);

    app = await start();
    await expect.poll(async () => (await taskOf(waiting.id)).state, { timeout: 10_000 }).toBe('succeeded');
    await expect.poll(async () => (await taskOf(slow.id)).state, { timeout: 10_000 }).toBe('succeeded');
    const sent = fake.submissions();
    expect(sent).toHaveLength(2);
    expect((sent[1].json as { input: Record<string, unknown> }).input.style_ref_url).toBe(sentReference());
  });
});
