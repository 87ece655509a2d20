import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config/read-settings.ts';
import type { Settings } from '../../src/config/settings.ts';
import { createApp } from '../../src/http/create-app.ts';
import type { Logger } from '../../src/logging/logger.ts';
import { createContext, type AppContext } from '../../src/server/create-context.ts';
import { openSqliteTaskBackend } from '../../src/tasks/sqlite/open-sqlite-task-backend.ts';
import type { TaskResource } from '../../src/tasks/task-resource.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

let dataDirectory: string;
let settings: Settings;
let context: AppContext | undefined;
const sweeps: Array<Record<string, unknown> | undefined> = [];
/** Silent, except that it keeps what retention sweeps report. */
const logger: Logger = {
  debug: () => {},
  info: (message, fields) => void (message === 'retention sweep' && sweeps.push(fields)),
  warn: () => {},
  error: () => {},
};

beforeAll(async () => {
  dataDirectory = await mkdtemp(join(tmpdir(), `atelier-retention-${process.pid}-`));
  // The default retention (30 days): nothing made by this test is that old until the test says so.
  settings = readSettings(['--data-dir', dataDirectory, '--input-root', dataDirectory, '--public-url', 'http://atelier.test'], {});
  await writeFile(join(dataDirectory, 'photo.png'), await makePhotoLikeImage(64, 48));
});
afterAll(async () => {
  await context?.close();
  await rm(dataDirectory, { recursive: true, force: true });
});

async function start() {
  context = await createContext(settings, { logger, env: {} });
  return createApp(context);
}

async function allStoredFiles(): Promise<string[]> {
  const root = join(dataDirectory, 'files');
  const shards = await readdir(root);
  return (await Promise.all(shards.map(async (shard) => (await readdir(join(root, shard))).map((name) => join(root, shard, name))))).flat();
}

describe('retention, through the HTTP app', () => {
  it('deletes a task finished longer ago than the retention, and its result, at the next start', async () => {
    let app = await start();
    const submit = async (prompt: string) => {
      const response = await app.request('/v1/tasks', {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'wait=60' },
        body: JSON.stringify({ service: 'image-to-image', image: join(dataDirectory, 'photo.png'), image_type: 'path', prompt }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as TaskResource;
    };
    const expired = await submit('watercolor');
    const kept = await submit('oil painting');
    expect([expired.state, kept.state]).toEqual(['succeeded', 'succeeded']);
    const filePath = (task: TaskResource) => new URL(task.outputs[0].url).pathname;
    expect(filePath(expired)).not.toBe(filePath(kept));
    await context!.close();
    context = undefined;

    // Forty days pass for the first task and for every stored file (the shared input image included).
    const fortyDaysAgo = new Date(Date.now() - 40 * 86_400_000);
    const backend = openSqliteTaskBackend(dataDirectory);
    await backend.store.update(expired.id, { finishedAt: fortyDaysAgo.toISOString() });
    const inputFileId = (await backend.store.get(kept.id))!.spec.image.fileId;
    expect((await backend.store.get(expired.id))!.spec.image.fileId).toBe(inputFileId);
    await backend.close();
    for (const path of await allStoredFiles()) await utimes(path, fortyDaysAgo, fortyDaysAgo);

    expect(sweeps).toEqual([]);
    app = await start();
    // The start-up sweep runs in the background; it logs what it deleted when it is done.
    await expect.poll(() => sweeps.length, { timeout: 10_000 }).toBe(1);
    const expiredOutput = expired.outputs[0];
    expect(sweeps[0]).toMatchObject({ deletedTasks: 1, deletedFiles: 1, freedBytes: expiredOutput.size, retentionHours: 720 });
    const gone = await app.request(`/v1/tasks/${expired.id}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: 'task_not_found' });
    expect((await app.request(filePath(expired))).status).toBe(404);

    expect(await (await app.request(`/v1/tasks/${kept.id}`)).json()).toMatchObject({ id: kept.id, state: 'succeeded' });
    expect((await app.request(filePath(kept))).status).toBe(200);
    // Still referenced by the task that is kept, however old the file is.
    expect((await app.request(`/v1/files/${inputFileId}`)).status).toBe(200);
  });
});
