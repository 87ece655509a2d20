import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import {
  checkImageEdit, checkStyleRepaint, checkVideo, checkXPainting, describeImage, isRejection, readDataUri, record, videoModels,
  type InputResolver, type Rejection,
} from './dashscope-fake-validation.ts';
import {
  FakeClock, fakeRequestId, jsonAnswer, minimalMp4, parseMultipart, startFakeServer,
  type FakeAnswer, type FakeServer, type RecordedRequest, type ScriptedBehaviour,
} from './fake-server-kit.ts';

/**
 * A wire-faithful DashScope (spec `dashscope.md` §11): Bearer key and `X-DashScope-Async` checks, per-model field
 * validation, the async task protocol (PENDING → RUNNING → terminal over successive polls, UNKNOWN after 24 h on
 * the fake clock), cancel for PENDING tasks, per-model concurrency (429 Throttling.RateQuota with Retry-After),
 * the temporary-file upload (policy + OSS multipart on itself), and result files served on itself that expire.
 */

export type FakeTaskStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN';

/** How the next created task behaves. */
export interface FakeTaskScript {
  /** Non-terminal statuses reported by successive polls before the outcome (default PENDING, RUNNING). */
  before?: Array<'PENDING' | 'RUNNING'>;
  /** Default: succeeded with every image. */
  outcome?:
    | { kind: 'succeeded'; failedImages?: number }
    | { kind: 'failed'; code: string; message: string }
    | { kind: 'unknown' };
  /** Stay RUNNING until this much fake time has passed since submission (a slow task). */
  runningForMs?: number;
}

export interface FakeTask {
  id: string;
  model: string;
  family: 'image-edit' | 'x-painting' | 'style-repaint' | 'image-to-video';
  createdAt: number;
  body: Record<string, unknown>;
  polls: number;
  current: FakeTaskStatus;
  script: Required<Pick<FakeTaskScript, 'before' | 'outcome'>> & { runningForMs: number };
  resultIds?: string[];
}

export interface DashScopeFake {
  server: FakeServer;
  /** `http://127.0.0.1:<port>/api/v1`, what `DASHSCOPE_BASE_URL` would be. */
  baseUrl: string;
  apiKey: string;
  clock: FakeClock;
  tasks: Map<string, FakeTask>;
  /** Submissions that reached a submit route (accepted or not). */
  submissions(): RecordedRequest[];
  polls(): RecordedRequest[];
  /** Cancel requests received (POST /tasks/{id}/cancel), answered or scripted to fail. */
  cancels(): RecordedRequest[];
  /** A file uploaded through the temporary-upload flow, by its `oss://` URL. */
  uploadedFile(ossUrl: string): Buffer | undefined;
  /** Result downloads received (GET /results/…). */
  resultDownloads(): RecordedRequest[];
  /** The script the next created task follows (once). */
  scriptNextTask(script: FakeTaskScript): void;
  /** Answers the next matching request with a failure instead. */
  failNext(route: FakeRoute, behaviour: ScriptedBehaviour, times?: number): void;
  stop(): Promise<void>;
}

export type FakeRoute = 'submit' | 'poll' | 'cancel' | 'policy' | 'oss-upload' | 'result';

export interface DashScopeFakeOptions {
  apiKey?: string;
  clock?: FakeClock;
  /** Enforce the documented concurrent-task limits per model (default true). */
  enforceConcurrency?: boolean;
  /** Keep no request bodies or task inputs after handling (benchmarks: memory stays flat). */
  forgetBodies?: boolean;
  /** The script of every task created without one from `scriptNextTask` (default: PENDING, RUNNING, succeeded). */
  defaultScript?: FakeTaskScript;
}

const dayMs = 24 * 60 * 60 * 1000;
const submitPaths: Record<string, FakeTask['family'][]> = {
  '/api/v1/services/aigc/image2image/image-synthesis': ['image-edit', 'x-painting'],
  '/api/v1/services/aigc/image-generation/generation': ['style-repaint'],
  '/api/v1/services/aigc/video-generation/video-synthesis': ['image-to-video'],
};
const concurrencyByFamily: Record<FakeTask['family'], number> = { 'image-edit': 2, 'x-painting': 1, 'style-repaint': 1, 'image-to-video': 2 };

function familyOf(model: unknown): FakeTask['family'] | undefined {
  if (model === 'wanx2.1-imageedit') return 'image-edit';
  if (model === 'wanx-x-painting') return 'x-painting';
  if (model === 'wanx-style-repaint-v1') return 'style-repaint';
  if (typeof model === 'string' && model in videoModels) return 'image-to-video';
  return undefined;
}

function routeOf(request: RecordedRequest): FakeRoute | undefined {
  if (request.method === 'POST' && request.path in submitPaths) return 'submit';
  if (request.method === 'GET' && /^\/api\/v1\/tasks\/[^/]+$/.test(request.path)) return 'poll';
  if (request.method === 'POST' && /^\/api\/v1\/tasks\/[^/]+\/cancel$/.test(request.path)) return 'cancel';
  if (request.method === 'GET' && request.path === '/api/v1/uploads') return 'policy';
  if (request.method === 'POST' && request.path === '/oss') return 'oss-upload';
  if (request.method === 'GET' && request.path.startsWith('/results/')) return 'result';
  return undefined;
}

const error = (status: number, code: string, message: string, headers?: Record<string, string>): FakeAnswer =>
  jsonAnswer(status, { code, message, request_id: fakeRequestId() }, headers);
const reject = (rejection: Rejection): FakeAnswer => error(400, rejection.code, rejection.message);

/**
 * Starts the fake on 127.0.0.1 (port 0). Stop it in `afterEach`.
 *
 * @example const fake = await startDashScopeFake(); … settings.baseUrl = fake.baseUrl; … await fake.stop();
 */
export async function startDashScopeFake(options: DashScopeFakeOptions = {}): Promise<DashScopeFake> {
  const apiKey = options.apiKey ?? `sk-fake-${randomUUID().replace(/-/g, '')}`;
  const clock = options.clock ?? new FakeClock();
  const tasks = new Map<string, FakeTask>();
  const uploads = new Map<string, { bytes: Buffer; model: string; directory: string }>();
  const issuedDirectories = new Map<string, string>();
  const results = new Map<string, { bytes: Buffer; mediaType: string; createdAt: number }>();
  const scripts: FakeTaskScript[] = [];
  const resultImage = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 120, b: 40 } } }).png().toBuffer();
  const resultVideo = minimalMp4();
  let origin = '';

  /** Reads an input as DashScope would; bare base64 only where the spec allows it (wanx-style-repaint-v1, §4.3). */
  const resolveInput = (model: string, ossResolve: boolean, acceptsBareBase64: boolean): InputResolver => async (value, field) => {
    if (value.startsWith('data:')) return readDataUri(value, field);
    if (value.startsWith('oss://')) {
      if (!ossResolve) return { code: 'InvalidParameter.DataInspection', message: `${field}: oss:// URLs need the header X-DashScope-OssResourceResolve: enable` };
      const upload = uploads.get(value.slice('oss://'.length));
      if (!upload) return { code: 'InvalidURL', message: `${field}: Invalid URL provided in your request.` };
      if (upload.model !== model) return { code: 'InvalidParameter', message: `${field}: the file was uploaded for ${upload.model}, not ${model}` };
      return describeImage(upload.bytes, undefined, field, 'oss');
    }
    if (/^https?:\/\//.test(value)) return { form: 'http' };
    // Bare base64: only style-repaint documents it ("or a base64 string"); the others take URLs and data: URIs.
    if (acceptsBareBase64 && /^[A-Za-z0-9+/=]+$/.test(value)) return describeImage(Buffer.from(value, 'base64'), undefined, field, 'data');
    return { code: 'InvalidURL', message: `${field}: Invalid URL provided in your request.` };
  };

  async function submit(request: RecordedRequest): Promise<FakeAnswer> {
    if (request.headers['x-dashscope-async'] !== 'enable') return error(403, 'AccessDenied', 'current user api does not support synchronous calls');
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return error(400, 'InvalidParameter', 'Content-Type must be application/json');
    const body = record(request.json);
    if (!body) return error(400, 'InvalidParameter', 'Invalid request parameters.');
    if (body.model === undefined) return error(400, 'BadRequest.EmptyModel', 'Required parameter "model" missing from request.');
    const family = familyOf(body.model);
    if (!family || !submitPaths[request.path].includes(family)) return error(400, 'InvalidParameter', `Model not exist or not supported on this path: ${String(body.model).slice(0, 60)}`);
    const input = record(body.input);
    if (!input) return error(400, 'BadRequest.EmptyInput', 'Required input parameter missing from request.');
    const parameters = record(body.parameters);
    const model = body.model as string;
    const resolver = resolveInput(model, request.headers['x-dashscope-ossresourceresolve'] === 'enable', family === 'style-repaint');
    const rejection = family === 'image-edit' ? await checkImageEdit(input, parameters ?? {}, resolver)
      : family === 'x-painting' ? await checkXPainting(input, parameters ?? {}, resolver)
        : family === 'style-repaint' ? await checkStyleRepaint(input, parameters, resolver)
          : await checkVideo(model, input, parameters ?? {}, resolver);
    if (rejection) return reject(rejection);
    if (options.enforceConcurrency ?? true) {
      const running = [...tasks.values()].filter((task) => task.model === model && (task.current === 'PENDING' || task.current === 'RUNNING')).length;
      if (running >= concurrencyByFamily[family]) {
        return error(429, 'Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.', { 'retry-after': '1' });
      }
    }
    const script = scripts.shift() ?? options.defaultScript ?? {};
    const task: FakeTask = {
      id: randomUUID(), model, family, createdAt: clock.now(), polls: 0, current: 'PENDING',
      body: options.forgetBodies ? { model, parameters, input: { prompt: input.prompt, style_index: input.style_index } } : body,
      script: { before: script.before ?? ['PENDING', 'RUNNING'], outcome: script.outcome ?? { kind: 'succeeded' }, runningForMs: script.runningForMs ?? 0 },
    };
    tasks.set(task.id, task);
    return jsonAnswer(200, { output: { task_status: 'PENDING', task_id: task.id }, request_id: fakeRequestId() });
  }

  function poll(request: RecordedRequest): FakeAnswer {
    const id = decodeURIComponent(request.path.split('/')[4]);
    const task = tasks.get(id);
    if (!task || clock.now() - task.createdAt > dayMs) {
      return jsonAnswer(200, { request_id: fakeRequestId(), output: { task_id: id, task_status: 'UNKNOWN' } });
    }
    advance(task);
    return jsonAnswer(200, taskBody(task));
  }

  function advance(task: FakeTask): void {
    if (task.current === 'CANCELED' || task.current === 'SUCCEEDED' || task.current === 'FAILED' || task.current === 'UNKNOWN') return;
    const { before, outcome, runningForMs } = task.script;
    task.polls += 1;
    if (task.polls <= before.length) {
      task.current = before[task.polls - 1];
      return;
    }
    if (clock.now() - task.createdAt < runningForMs) {
      task.current = 'RUNNING';
      return;
    }
    task.current = outcome.kind === 'succeeded' ? 'SUCCEEDED' : outcome.kind === 'failed' ? 'FAILED' : 'UNKNOWN';
  }

  function taskBody(task: FakeTask): Record<string, unknown> {
    const times = { submit_time: '2025-06-01 08:00:00.000', scheduled_time: '2025-06-01 08:00:00.100' };
    const output: Record<string, unknown> = { task_id: task.id, task_status: task.current, ...times };
    const outcome = task.script.outcome;
    if (task.current === 'RUNNING' && task.family !== 'image-to-video') output.task_metrics = { TOTAL: requestedImages(task), SUCCEEDED: 0, FAILED: 0 };
    if (task.current === 'FAILED' && outcome.kind === 'failed') {
      Object.assign(output, { code: outcome.code, message: outcome.message, end_time: '2025-06-01 08:00:10.000' });
      return { request_id: fakeRequestId(), output, ...(task.family === 'style-repaint' ? { usage: { image_num: 0 } } : {}) };
    }
    if (task.current !== 'SUCCEEDED') return { request_id: fakeRequestId(), output };
    output.end_time = '2025-06-01 08:00:10.000';
    if (task.family === 'image-to-video') {
      task.resultIds ??= [storeResult(resultVideo, 'video/mp4', 'mp4')];
      output.video_url = `${origin}/results/${task.resultIds[0]}`;
      output.orig_prompt = (record(task.body.input)?.prompt as string | undefined) ?? '';
      const parameters = record(task.body.parameters) ?? {};
      const seconds = (parameters.duration as number | undefined) ?? 5;
      const usage = task.model.startsWith('wanx2.1')
        ? { video_duration: seconds, video_ratio: 'standard', video_count: 1 }
        : { duration: seconds, SR: Number(String(parameters.resolution ?? '1080P').replace('P', '')), video_count: 1 };
      return { request_id: fakeRequestId(), output, usage };
    }
    const wanted = requestedImages(task);
    const failed = outcome.kind === 'succeeded' ? Math.min(outcome.failedImages ?? 0, wanted) : 0;
    task.resultIds ??= Array.from({ length: wanted - failed }, () => storeResult(resultImage, 'image/png', 'png'));
    const items: Array<Record<string, unknown>> = task.resultIds.map((id) => ({ url: `${origin}/results/${id}` }));
    for (let index = 0; index < failed; index += 1) items.push({ code: 'InternalError.Algo', message: 'Generation of this image failed.' });
    output.results = items;
    output.task_metrics = { TOTAL: wanted, SUCCEEDED: wanted - failed, FAILED: failed };
    if (task.family === 'style-repaint') Object.assign(output, { start_time: '2025-06-01 08:00:00', style_index: record(task.body.input)?.style_index, error_code: 0, error_message: 'Success' });
    return { request_id: fakeRequestId(), output, usage: { image_count: wanted - failed } };
  }

  function requestedImages(task: FakeTask): number {
    return task.family === 'style-repaint' ? 1 : ((record(task.body.parameters)?.n as number | undefined) ?? 1);
  }

  function storeResult(bytes: Buffer, mediaType: string, extension: string): string {
    const id = `${randomUUID()}.${extension}`;
    results.set(id, { bytes, mediaType, createdAt: clock.now() });
    return id;
  }

  function cancel(request: RecordedRequest): FakeAnswer {
    const task = tasks.get(decodeURIComponent(request.path.split('/')[4]));
    if (!task || task.current !== 'PENDING') return error(400, 'UnsupportedOperation', 'The operation is unsupported on the referee object.');
    task.current = 'CANCELED';
    return jsonAnswer(200, { request_id: fakeRequestId() });
  }

  function policy(request: RecordedRequest): FakeAnswer {
    const model = request.query.get('model');
    if (request.query.get('action') !== 'getPolicy' || !model) return error(400, 'InvalidParameter', 'action=getPolicy and model are required');
    const directory = `dashscope-instant/${randomUUID().slice(0, 8)}/2025-06-01/${randomUUID().slice(0, 8)}`;
    issuedDirectories.set(directory, model);
    return jsonAnswer(200, {
      request_id: fakeRequestId(),
      data: {
        policy: 'eyJleHBpcmF0aW9uIjoiZmFrZSJ9', signature: 'fake-signature', upload_dir: directory, upload_host: `${origin}/oss`,
        expire_in_seconds: 300, max_file_size_mb: 100, capacity_limit_mb: 999999999, oss_access_key_id: 'LTAI-fake-oss',
        x_oss_object_acl: 'private', x_oss_forbid_overwrite: 'true',
      },
    });
  }

  async function ossUpload(request: RecordedRequest): Promise<FakeAnswer> {
    // OSS form uploads carry the policy signature, never the DashScope key.
    if (request.headers.authorization !== undefined) return { status: 400, body: '<Error><Code>InvalidArgument</Code><Message>Authorization header not expected</Message></Error>' };
    const form = await parseMultipart(request);
    const required = ['OSSAccessKeyId', 'Signature', 'policy', 'x-oss-object-acl', 'x-oss-forbid-overwrite', 'key', 'success_action_status', 'file'];
    const missing = required.filter((name) => !form.has(name));
    if (missing.length > 0) return { status: 400, body: `<Error><Code>InvalidArgument</Code><Message>missing ${missing.join(', ')}</Message></Error>` };
    const names = [...form.keys()];
    if (names[names.length - 1] !== 'file') return { status: 400, body: '<Error><Code>InvalidArgument</Code><Message>file must be the last field</Message></Error>' };
    const key = String(form.get('key'));
    const directory = [...issuedDirectories.keys()].find((issued) => key.startsWith(`${issued}/`));
    if (!directory) return { status: 403, body: '<Error><Code>AccessDenied</Code><Message>key outside the policy directory</Message></Error>' };
    const file = form.get('file');
    if (!(file instanceof Blob)) return { status: 400, body: '<Error><Code>InvalidArgument</Code><Message>file is not a file part</Message></Error>' };
    uploads.set(key, { bytes: Buffer.from(await file.arrayBuffer()), model: issuedDirectories.get(directory) ?? '', directory });
    return { status: Number(form.get('success_action_status')) || 204 };
  }

  function result(request: RecordedRequest): FakeAnswer {
    const stored = results.get(request.path.slice('/results/'.length));
    if (!stored || clock.now() - stored.createdAt > dayMs) return { status: 404, body: '<Error><Code>AccessDenied</Code><Message>Request has expired.</Message></Error>' };
    return { status: 200, body: stored.bytes, headers: { 'content-type': stored.mediaType } };
  }

  const server = await startFakeServer(async (request) => {
    const route = routeOf(request);
    if (route === undefined) return error(404, 'NotFound', `no route ${request.method} ${request.path}`);
    if (route !== 'oss-upload' && route !== 'result' && request.headers.authorization !== `Bearer ${apiKey}`) {
      return error(401, 'InvalidApiKey', request.headers.authorization ? 'Invalid API-key provided.' : 'No API-key provided.');
    }
    switch (route) {
      case 'submit': return submit(request);
      case 'poll': return poll(request);
      case 'cancel': return cancel(request);
      case 'policy': return policy(request);
      case 'oss-upload': return ossUpload(request);
      case 'result': return result(request);
    }
  }, { clock, forgetBodies: options.forgetBodies });
  origin = server.origin;

  return {
    server,
    baseUrl: `${server.origin}/api/v1`,
    apiKey,
    clock,
    tasks,
    submissions: () => server.requests.filter((request) => routeOf(request) === 'submit'),
    polls: () => server.requests.filter((request) => routeOf(request) === 'poll'),
    cancels: () => server.requests.filter((request) => routeOf(request) === 'cancel'),
    uploadedFile: (ossUrl) => uploads.get(ossUrl.replace(/^oss:\/\//, ''))?.bytes,
    resultDownloads: () => server.requests.filter((request) => routeOf(request) === 'result'),
    scriptNextTask: (script) => scripts.push(script),
    failNext: (route, behaviour, times) => server.script({ match: (request) => routeOf(request) === route, behaviour, times }),
    stop: () => server.stop(),
  };
}

export { isRejection };

/** A submission straight to the fake, as DashScope's own clients send it (JSON, Bearer key, the async header). */
export async function postToDashScopeFake(
  fake: DashScopeFake,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { code?: string; message?: string; output?: { task_id: string } } }> {
  const response = await fetch(`${fake.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.apiKey}`, 'x-dashscope-async': 'enable', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { code?: string; message?: string; output?: { task_id: string } } };
}
