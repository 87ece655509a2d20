/**
 * Credentials never leave config.json and the environment: `atelier serve` (a child process, debug logging) runs
 * with every provider configured against its fake, with distinctive keys, plus one key installed through the AOG
 * control plane. Each provider then succeeds and fails in every way its fake can (auth error, 5xx, malformed
 * JSON, and errors that echo the Authorization header back in their message and code), and every key — raw, in
 * base64, and as the base64 of its `Bearer` header — is searched for in the server's logs, in every response body
 * and header, in the SQLite files (raw bytes, WAL included) and in every file of the data directory but
 * config.json, which must hold the installed key with mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashScopeFake, type DashScopeFake } from '../fakes/dashscope-fake-server.ts';
import { FakeClock, jsonAnswer, type FakeAnswer, type RecordedRequest, type ScriptedBehaviour } from '../fakes/fake-server-kit.ts';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-fake-server.ts';
import { startStepFunFake, type StepFunFake } from '../fakes/stepfun-fake-server.ts';
import { startTencentFake, type TencentFake } from '../fakes/tencent-fake-server.ts';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

const canary = () => `LEAKCANARY${randomBytes(12).toString('hex')}`;
const keys = {
  dashscope: `sk-${canary()}`,
  tencentSecretId: `AKID${canary()}`,
  tencentSecretKey: `tcsk${canary()}`,
  stepfun: `step-${canary()}`,
  openai: `sk-proj-${canary()}`,
  /** Installed through POST /aog/v0.2/service/install; DASHSCOPE_API_KEY wins over it, so it is stored, never sent. */
  installed: `sk-installed-${canary()}`,
};

/** Every form a key could take on its way out: as is, base64, and the base64 of its Bearer header. */
const needles = Object.entries(keys).flatMap(([name, key]) => [
  { name, form: 'raw', bytes: Buffer.from(key) },
  { name, form: 'base64', bytes: Buffer.from(Buffer.from(key).toString('base64')) },
  { name, form: 'base64 Bearer', bytes: Buffer.from(Buffer.from(`Bearer ${key}`).toString('base64')) },
]);

/** The needles found in `haystack`, as readable names. */
function leaksIn(haystack: Buffer | string): string[] {
  const bytes = typeof haystack === 'string' ? Buffer.from(haystack) : haystack;
  return needles.filter((needle) => bytes.includes(needle.bytes)).map((needle) => `${needle.name} (${needle.form})`);
}

/** The request's own Authorization header in an error's message (and, for the nastiest upstream, its code too). */
const echo = (build: (authorization: string) => FakeAnswer): ScriptedBehaviour => ({
  kind: 'answer-from-request',
  answer: (request: RecordedRequest) => build(request.headers.authorization ?? ''),
});

let directory: string;
let dataDirectory: string;
let photoPath: string;
let dashscope: DashScopeFake;
let tencent: TencentFake;
let stepfun: StepFunFake;
let openai: OpenAiFake;
let server: SpawnedServer;
/** Every answer the server gave in this file: where it came from, its status, headers and body. */
const answers: Array<{ what: string; status: number; headers: string; body: string }> = [];

async function call(what: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(120_000) });
  const body = await response.text();
  answers.push({ what, status: response.status, headers: JSON.stringify([...response.headers]), body });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = body;
  }
  return { status: response.status, body: parsed };
}

const post = (what: string, path: string, payload: unknown) =>
  call(what, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });

/** One AOG image-to-image call routed to a provider by its model name. */
const imageToImage = (what: string, model: string) =>
  post(what, '/aog/v0.2/services/image-to-image', { model, image: photoPath, image_type: 'path', prompt: 'make it a watercolor' });

/** Every file under `root` with its bytes. */
async function filesUnder(root: string): Promise<Array<{ path: string; bytes: Buffer }>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return Promise.all(files.map(async (path) => ({ path: relative(root, path), bytes: await readFile(path) })));
}

/** Leaks in the data directory: every file but config.json, SQLite main file, WAL and shared memory included. */
async function dataDirectoryLeaks(): Promise<string[]> {
  const files = await filesUnder(dataDirectory);
  expect(files.map((file) => file.path)).toContain('atelier.db');
  return files.filter((file) => file.path !== 'config.json').flatMap((file) => leaksIn(file.bytes).map((leak) => `${file.path}: ${leak}`));
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-key-leak-'));
  dataDirectory = join(directory, 'data');
  photoPath = join(directory, 'photo.jpg');
  // 640×480 JPEG: inside every provider's input limits, so nothing is adapted on the way.
  await writeFile(photoPath, await makePhotoLikeImage(640, 480, 'jpeg'));
  [dashscope, tencent, stepfun, openai] = await Promise.all([
    startDashScopeFake({ apiKey: keys.dashscope, enforceConcurrency: false }),
    // Tencent checks the signature's timestamp against its clock; the server signs with the real one.
    startTencentFake({ credentials: { [keys.tencentSecretId]: keys.tencentSecretKey }, clock: new FakeClock(Date.now()) }),
    startStepFunFake({ apiKey: keys.stepfun }),
    startOpenAiFake({ apiKey: keys.openai }),
  ]);
  server = await spawnServer({
    args: ['--data-dir', dataDirectory, '--input-root', directory],
    env: {
      ATELIER_LOG_LEVEL: 'debug',
      ATELIER_MAX_POLL_INTERVAL_MS: '20',
      DASHSCOPE_API_KEY: keys.dashscope,
      DASHSCOPE_BASE_URL: dashscope.baseUrl,
      TENCENTCLOUD_SECRET_ID: keys.tencentSecretId,
      TENCENTCLOUD_SECRET_KEY: keys.tencentSecretKey,
      TENCENTCLOUD_AIART_ENDPOINT: tencent.url,
      STEPFUN_API_KEY: keys.stepfun,
      STEPFUN_BASE_URL: stepfun.baseUrl,
      STEPFUN_IGNORE_RETIREMENT: '1',
      OPENAI_API_KEY: keys.openai,
      OPENAI_BASE_URL: openai.baseUrl,
    },
  });
});

afterAll(async () => {
  await server?.stop();
  await Promise.all([dashscope?.stop(), tencent?.stop(), stepfun?.stop(), openai?.stop()]);
  await rm(directory, { recursive: true, force: true });
});

describe('provider keys under success and failure', () => {
  it('installs a key through the AOG control plane without echoing it, even in a refusal', async () => {
    const installed = await post('install', '/aog/v0.2/service/install', {
      service_name: 'image-to-image', service_source: 'remote', api_flavor: 'aliyun', auth_key: JSON.stringify({ api_key: keys.installed }),
    });
    expect(installed.status, JSON.stringify(installed.body)).toBe(200);
    const broken = await post('install with broken auth_key', '/aog/v0.2/service/install', {
      service_name: 'image-to-image', service_source: 'remote', api_flavor: 'aliyun', auth_key: `{"api_key":"${keys.installed}"`,
    });
    expect(broken.status).toBe(400);
  });

  it('DashScope: successes, refusals, 5xx, malformed JSON, echoed credentials and a failed task', async () => {
    expect((await imageToImage('dashscope success', 'wanx2.1-imageedit')).status).toBe(200);
    const video = await post('dashscope video success', '/aog/v0.2/services/image-to-video', { model: 'wan2.2-i2v-plus', image: photoPath, image_type: 'path', prompt: 'clouds drift' });
    expect(video.status, JSON.stringify(video.body)).toBe(200);

    dashscope.failNext('submit', echo((authorization) => jsonAnswer(401, { code: 'InvalidApiKey', message: `Invalid API-key provided: ${authorization}` })));
    expect((await imageToImage('dashscope 401 echoing the key', 'wanx2.1-imageedit')).status).toBeGreaterThanOrEqual(400);
    dashscope.failNext('submit', echo((authorization) => jsonAnswer(500, { code: 'InternalError', message: `upstream broke while handling ${authorization}` })));
    expect((await imageToImage('dashscope 500 echoing the key', 'wanx2.1-imageedit')).status).toBeGreaterThanOrEqual(500);
    dashscope.failNext('submit', { kind: 'malformed-json' });
    expect((await imageToImage('dashscope malformed JSON', 'wanx2.1-imageedit')).status).toBeGreaterThanOrEqual(500);
    dashscope.failNext('submit', echo((authorization) => jsonAnswer(400, { code: authorization, message: authorization })));
    expect((await imageToImage('dashscope key as the error code', 'wanx2.1-imageedit')).status).toBeGreaterThanOrEqual(400);

    dashscope.scriptNextTask({ outcome: { kind: 'failed', code: 'InternalError.Algo', message: `model crashed; request carried Bearer ${keys.dashscope}` } });
    expect((await imageToImage('dashscope failed task echoing the key', 'wanx2.1-imageedit')).status).toBeGreaterThanOrEqual(400);
    // A failing poll is retried (it is read-only): the echo reaches at most the retry log, and the call succeeds.
    dashscope.failNext('poll', echo((authorization) => jsonAnswer(500, { code: 'InternalError', message: `poll failed for ${authorization}` })));
    expect((await imageToImage('dashscope poll 500 echoing the key, then success', 'wanx2.1-imageedit')).status).toBe(200);
    dashscope.failNext('result', echo((authorization) => ({ status: 403, body: `<Error><Message>denied ${authorization}</Message></Error>` })));
    expect((await imageToImage('dashscope result download refused', 'wanx2.1-imageedit')).status).toBeGreaterThanOrEqual(400);
    expect(dashscope.submissions().length).toBeGreaterThanOrEqual(8);
  });

  it('Tencent: successes, refusals, 5xx, malformed JSON and echoed credentials', async () => {
    const success = await imageToImage('tencent success', 'aiart-image-to-image');
    expect(success.status, JSON.stringify(success.body)).toBe(200);
    const tencentError = (code: string, message: string) => jsonAnswer(200, { Response: { Error: { Code: code, Message: message }, RequestId: 'fake' } });
    tencent.failNext(echo((authorization) => tencentError('AuthFailure.SignatureFailure', `The provided credentials could not be validated: ${authorization}`)));
    expect((await imageToImage('tencent auth failure echoing the credential', 'aiart-image-to-image')).status).toBeGreaterThanOrEqual(400);
    tencent.failNext(echo((authorization) => ({ status: 500, body: `gateway error for ${authorization}` })));
    expect((await imageToImage('tencent 500 echoing the credential', 'aiart-image-to-image')).status).toBeGreaterThanOrEqual(500);
    tencent.failNext({ kind: 'malformed-json' });
    expect((await imageToImage('tencent malformed JSON', 'aiart-image-to-image')).status).toBeGreaterThanOrEqual(500);
    tencent.failNext(echo((authorization) => tencentError(authorization, `${authorization} secret ${keys.tencentSecretKey}`)));
    expect((await imageToImage('tencent credential as the error code', 'aiart-image-to-image')).status).toBeGreaterThanOrEqual(400);
    expect(tencent.apiRequests().length).toBeGreaterThanOrEqual(5);
  });

  it('StepFun: successes, refusals, 5xx, malformed JSON and echoed credentials', async () => {
    expect((await imageToImage('stepfun success', 'step-2x-large')).status).toBe(200);
    stepfun.failNext(echo((authorization) => jsonAnswer(401, { error: { message: `Incorrect API key provided: ${authorization}`, type: 'invalid_api_key' } })));
    expect((await imageToImage('stepfun 401 echoing the key', 'step-2x-large')).status).toBeGreaterThanOrEqual(400);
    stepfun.failNext(echo((authorization) => jsonAnswer(500, { error: { message: `internal error for ${authorization}`, type: 'server_error' } })));
    expect((await imageToImage('stepfun 500 echoing the key', 'step-2x-large')).status).toBeGreaterThanOrEqual(500);
    stepfun.failNext({ kind: 'malformed-json' });
    expect((await imageToImage('stepfun malformed JSON', 'step-2x-large')).status).toBeGreaterThanOrEqual(500);
    stepfun.failNext(echo((authorization) => jsonAnswer(400, { error: { message: authorization, type: authorization, code: authorization } })));
    expect((await imageToImage('stepfun key as the error code', 'step-2x-large')).status).toBeGreaterThanOrEqual(400);
    expect(stepfun.image2imageRequests().length).toBeGreaterThanOrEqual(5);
  });

  it('OpenAI: successes, refusals, 5xx, malformed JSON and echoed credentials', async () => {
    expect((await imageToImage('openai success', 'gpt-image-1')).status).toBe(200);
    openai.failNext(echo((authorization) => jsonAnswer(401, { error: { message: `Incorrect API key provided: ${authorization}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } })));
    expect((await imageToImage('openai 401 echoing the key', 'gpt-image-1')).status).toBeGreaterThanOrEqual(400);
    openai.failNext(echo((authorization) => jsonAnswer(500, { error: { message: `The server had an error processing ${authorization}`, type: 'server_error', param: null, code: null } }, { 'x-request-id': authorization })));
    expect((await imageToImage('openai 500 echoing the key', 'gpt-image-1')).status).toBeGreaterThanOrEqual(500);
    openai.failNext({ kind: 'malformed-json' });
    expect((await imageToImage('openai malformed JSON', 'gpt-image-1')).status).toBeGreaterThanOrEqual(500);
    openai.failNext(echo((authorization) => jsonAnswer(400, { error: { message: authorization, type: authorization, param: authorization, code: authorization } })));
    expect((await imageToImage('openai key as the error code', 'gpt-image-1')).status).toBeGreaterThanOrEqual(400);
    expect(openai.editRequests().length).toBeGreaterThanOrEqual(5);
  });

  it('reads back every provider listing, task list page and task', async () => {
    for (const path of ['/aog/v0.2/service_provider', '/aog/v0.2/service', '/v1/providers', '/v1/models', '/health']) {
      expect((await call(path, path)).status).toBe(200);
    }
    const ids: string[] = [];
    for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
      const page = await call('task list', `/v1/tasks?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      ids.push(...(page.body.data as Array<{ id: string }>).map((task) => task.id));
      cursor = page.body.next_cursor;
    }
    // Every AOG call above left a task (the install calls did not), failures included.
    expect(ids.length).toBeGreaterThanOrEqual(answers.filter((answer) => answer.what.startsWith('dashscope') || /^(tencent|stepfun|openai)/.test(answer.what)).length);
    const failed = [];
    for (const id of ids) {
      const task = await call(`task ${id}`, `/v1/tasks/${id}`);
      expect(task.status).toBe(200);
      if (task.body.state === 'failed') failed.push(task.body);
      expect((await call(`task ${id} events`, `/v1/tasks/${id}/events`)).status).toBe(200);
    }
    // The failures really reached the task rows, with the providers' scrubbed messages.
    expect(failed.length).toBeGreaterThanOrEqual(15);
    expect(failed.map((task) => task.error.message).join('\n')).toContain('[redacted]');
  });
});

describe('where the keys are, and where they are not', () => {
  it('never appear in a response body or header', () => {
    expect(answers.length).toBeGreaterThan(30);
    const leaks = answers.flatMap((answer) => [...leaksIn(answer.headers), ...leaksIn(answer.body)].map((leak) => `${answer.what}: ${leak}`));
    expect(leaks).toEqual([]);
  });

  it('never appear in the server log, even at debug level', () => {
    const log = server.output();
    expect(log).toContain('"level":"debug"');
    expect(leaksIn(log)).toEqual([]);
  });

  it('never appear in the data directory while the server runs (SQLite main file, WAL and stored files)', async () => {
    const names = (await filesUnder(dataDirectory)).map((file) => file.path);
    expect(names).toContain('atelier.db-wal');
    expect(await dataDirectoryLeaks()).toEqual([]);
  });

  it('live in config.json only, readable by the owner alone, and stay out of everything after shutdown', async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(leaksIn(server.output())).toEqual([]);
    expect(await dataDirectoryLeaks()).toEqual([]);
    const config = join(dataDirectory, 'config.json');
    expect((await stat(config)).mode & 0o777).toBe(0o600);
    expect((await readFile(config, 'utf8'))).toContain(keys.installed);
  });
});
