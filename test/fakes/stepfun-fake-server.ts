import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import {
  FakeClock, jsonAnswer, startFakeServer, type FakeAnswer, type FakeServer, type RecordedRequest, type ScriptedBehaviour,
} from './fake-server-kit.ts';

/**
 * A wire-faithful StepFun `POST /v1/images/image2image` (spec `stepfun.md` §8): Bearer key, field names, types and
 * limits (model list, prompt ≤ 1024, `source_url` as URL or png/jpeg data URL ≤ 10 MB and ≤ 2048×2048,
 * `source_weight` in (0, 1], size set, steps, cfg_scale, one image per request), the documented success shapes
 * (`b64_json`, the legacy `image` field, `url` served here and expiring after 30 fake days), `content_filtered`,
 * 429 `rate_limit_error` with Retry-After, and a "retired" switch answering 404 for `/v1/images/*`.
 */

export interface StepFunFakeOptions {
  apiKey?: string;
  clock?: FakeClock;
  /** Models the fake serves (default step-2x-large and step-1x-medium). */
  models?: readonly string[];
}

export interface StepFunFake {
  server: FakeServer;
  /** `http://127.0.0.1:<port>/v1`, what `STEPFUN_BASE_URL` would be. */
  baseUrl: string;
  apiKey: string;
  clock: FakeClock;
  /** Requests that reached `/v1/images/image2image`. */
  image2imageRequests(): RecordedRequest[];
  /** 404 for every `/v1/images/*` path from now on (the 2026-10-10 retirement). */
  retire(): void;
  /** Answer with the older `image` field instead of `b64_json`. */
  useLegacyImageField(): void;
  /** The next `times` successful generations come back `finish_reason: "content_filtered"`. */
  filterNextResults(times?: number): void;
  /** The next `times` requests get 429 `rate_limit_error` with `Retry-After: <seconds>`. */
  throttleNext(times: number, retryAfterSeconds?: number): void;
  /** Any scripted behaviour (5xx, hang, reset, malformed JSON) for the next image2image request(s). */
  failNext(behaviour: ScriptedBehaviour, times?: number): void;
  stop(): Promise<void>;
}

const sizes = new Set(['256x256', '512x512', '768x768', '1024x1024', '1280x800', '800x1280']);
const fields = new Set(['model', 'prompt', 'source_url', 'source_weight', 'size', 'n', 'response_format', 'seed', 'steps', 'cfg_scale']);
const thirtyDaysMs = 30 * 24 * 60 * 60 * 1000;

const invalid = (message: string): FakeAnswer => jsonAnswer(400, { error: { message, type: 'invalid_request_error' } });

/** Starts the fake on 127.0.0.1 (port 0). Stop it in `afterEach`. */
export async function startStepFunFake(options: StepFunFakeOptions = {}): Promise<StepFunFake> {
  const apiKey = options.apiKey ?? `step-fake-${randomUUID().replace(/-/g, '')}`;
  const clock = options.clock ?? new FakeClock();
  const models = new Set(options.models ?? ['step-2x-large', 'step-1x-medium']);
  const files = new Map<string, { bytes: Buffer; createdAt: number }>();
  let retired = false;
  let legacyField = false;
  let filtered = 0;
  let origin = '';

  async function image2image(request: RecordedRequest): Promise<FakeAnswer> {
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      return jsonAnswer(401, { error: { message: 'Incorrect API key provided', type: 'invalid_api_key' } });
    }
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return invalid('Content-Type must be application/json');
    const body = request.json;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalid('the body must be a JSON object');
    const fieldsSent = body as Record<string, unknown>;
    const unknown = Object.keys(fieldsSent).find((key) => !fields.has(key));
    if (unknown !== undefined) return invalid(`unknown parameter: ${unknown}`);
    const { model, prompt, source_url: sourceUrl, source_weight: sourceWeight, size, n, response_format: responseFormat, seed, steps, cfg_scale: cfgScale } = fieldsSent;
    if (typeof model !== 'string' || !models.has(model)) return invalid(`model ${String(model)} does not exist or you do not have access to it`);
    if (typeof prompt !== 'string' || prompt === '') return invalid('prompt is required');
    if ([...prompt].length > 1024) return invalid('prompt must be at most 1024 characters');
    if (typeof sourceWeight !== 'number' || !(sourceWeight > 0 && sourceWeight <= 1)) return invalid('source_weight must be in (0, 1]');
    if (size !== undefined && (typeof size !== 'string' || !sizes.has(size))) return invalid(`size ${String(size)} is not supported`);
    if (n !== undefined && n !== 1) return invalid('only one image per request is supported (n = 1)');
    if (responseFormat !== undefined && responseFormat !== 'url' && responseFormat !== 'b64_json') return invalid('response_format must be url or b64_json');
    if (seed !== undefined && (!Number.isInteger(seed) || (seed as number) < 0)) return invalid('seed must be a non-negative integer');
    if (steps !== undefined && (!Number.isInteger(steps) || (steps as number) < 1 || (steps as number) > 100)) return invalid('steps must be an integer in [1, 100]');
    if (cfgScale !== undefined && (typeof cfgScale !== 'number' || cfgScale < 1 || cfgScale > 10)) return invalid('cfg_scale must be in [1, 10]');
    if (typeof sourceUrl !== 'string') return invalid('source_url is required');

    let source: Buffer;
    if (/^https?:\/\//.test(sourceUrl)) {
      // The fake never downloads: a URL stands for a mid-grey 512×512 photo.
      source = await sharp({ create: { width: 512, height: 512, channels: 3, background: '#808080' } }).png().toBuffer();
    } else {
      const match = /^data:image\/(png|jpeg);base64,([A-Za-z0-9+/=]+)$/.exec(sourceUrl);
      if (!match) return invalid('source_url must be a URL or a data:image/png|jpeg;base64 data URL');
      source = Buffer.from(match[2], 'base64');
      if (source.length > 10 * 1024 * 1024) return invalid('source image is larger than 10 MB');
      let metadata;
      try {
        metadata = await sharp(source).metadata();
      } catch {
        return invalid('source image could not be decoded');
      }
      if (metadata.format !== match[1]) return invalid(`source image is ${metadata.format}, not ${match[1]} as declared`);
      if ((metadata.width ?? 0) > 2048 || (metadata.height ?? 0) > 2048) return invalid('source image must be at most 2048x2048 pixels');
    }

    const [width, height] = String(size ?? '1024x1024').split('x').map(Number);
    const result = await sharp(source).removeAlpha().modulate({ hue: 200 }).resize(width, height, { fit: 'cover' }).png().toBuffer();
    const usedSeed = typeof seed === 'number' && seed > 0 ? seed : 1 + Math.floor(Math.random() * 1_000_000);
    const item: Record<string, unknown> = { seed: usedSeed, finish_reason: 'success' };
    if (filtered > 0) {
      filtered -= 1;
      item.finish_reason = 'content_filtered';
    } else if (responseFormat === 'b64_json') {
      item[legacyField ? 'image' : 'b64_json'] = result.toString('base64');
    } else {
      const id = randomUUID();
      files.set(id, { bytes: result, createdAt: clock.now() });
      item.url = `${origin}/files/${id}.png`;
    }
    return jsonAnswer(200, { created: Math.floor(clock.now() / 1000), data: [item] });
  }

  function file(request: RecordedRequest): FakeAnswer {
    const id = /^\/files\/([0-9a-f-]+)\.png$/.exec(request.path)?.[1];
    const stored = id === undefined ? undefined : files.get(id);
    if (stored === undefined || clock.now() - stored.createdAt > thirtyDaysMs) return { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
    return { status: 200, body: stored.bytes, headers: { 'content-type': 'image/png' } };
  }

  const server = await startFakeServer(async (request) => {
    if (retired && request.path.startsWith('/v1/images/')) {
      return jsonAnswer(404, { error: { message: 'Not Found', type: 'not_found' } });
    }
    if (request.method === 'POST' && request.path === '/v1/images/image2image') return image2image(request);
    if (request.method === 'GET' && request.path.startsWith('/files/')) return file(request);
    return jsonAnswer(404, { error: { message: `no route for ${request.method} ${request.path}`, type: 'not_found' } });
  }, { clock });
  origin = server.origin;
  const isImage2Image = (request: RecordedRequest) => request.path === '/v1/images/image2image';

  return {
    server,
    baseUrl: `${server.origin}/v1`,
    apiKey,
    clock,
    image2imageRequests: () => server.requests.filter(isImage2Image),
    retire: () => { retired = true; },
    useLegacyImageField: () => { legacyField = true; },
    filterNextResults: (times = 1) => { filtered += times; },
    throttleNext: (times, retryAfterSeconds = 1) => server.script({
      match: isImage2Image,
      behaviour: { kind: 'answer', answer: jsonAnswer(429, { error: { message: 'Rate limit reached for requests', type: 'rate_limit_error' } }, { 'retry-after': String(retryAfterSeconds) }) },
      times,
    }),
    failNext: (behaviour, times = 1) => server.script({ match: isImage2Image, behaviour, times }),
    stop: () => server.stop(),
  };
}
