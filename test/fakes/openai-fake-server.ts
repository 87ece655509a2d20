import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import {
  FakeClock, jsonAnswer, parseMultipart, startFakeServer, type FakeAnswer, type FakeServer, type RecordedRequest, type ScriptedBehaviour,
} from './fake-server-kit.ts';

/**
 * A wire-faithful OpenAI `POST /v1/images/edits` (spec `openai-images.md` §7): parses the multipart body; checks
 * the Bearer key (or none, as a local OpenAI-compatible server), part names (`image` / `image[]`, `mask`), that
 * image parts are files with real types, the mask (PNG with alpha, same size as the first image), model, n and size
 * per model; answers GPT image models with `data[].b64_json` plus `usage`, and dall-e-2 per `response_format`
 * (URLs served here, expiring after a fake hour). The generated image repaints only where the mask is transparent,
 * so tests can check the mask convention. Switches: moderation block, 429 with retry-after, 5xx, hang.
 */

export interface OpenAiFakeOptions {
  /** The key to require; `null` = no auth at all (a local server). Default: a random `sk-fake-…`. */
  apiKey?: string | null;
  clock?: FakeClock;
  /** Models the fake serves (default the five documented ones). */
  models?: readonly string[];
  /**
   * `output_format` values accepted (default png, jpeg, webp). stable-diffusion.cpp's `/v1/images/edits` takes png and
   * jpeg only (`local-servers.md` §3.1): start the fake with `['png', 'jpeg']` to stand in for it.
   */
  outputFormats?: readonly string[];
}

/** One multipart part as received. */
export interface ReceivedPart {
  name: string;
  /** File parts only. */
  filename?: string;
  contentType?: string;
  bytes?: Buffer;
  /** Text parts only. */
  value?: string;
}

export interface OpenAiFake {
  server: FakeServer;
  /** `http://127.0.0.1:<port>/v1`, what `OPENAI_BASE_URL` would be. */
  baseUrl: string;
  apiKey: string | null;
  clock: FakeClock;
  editRequests(): RecordedRequest[];
  /** The parts of a recorded request, in order. */
  parts(request: RecordedRequest): Promise<ReceivedPart[]>;
  /** The next edit is refused by the "safety system" (400 moderation_blocked). */
  blockNextForModeration(): void;
  /** The next `times` edits get 429 with `retry-after`. */
  throttleNext(times: number, retryAfterSeconds?: number, code?: string): void;
  failNext(behaviour: ScriptedBehaviour, times?: number): void;
  stop(): Promise<void>;
}

const gptSizes = new Set(['1024x1024', '1536x1024', '1024x1536', 'auto']);
const dallE2Sizes = new Set(['256x256', '512x512', '1024x1024']);
const textFields = new Set(['prompt', 'model', 'n', 'size', 'quality', 'background', 'output_format', 'output_compression', 'input_fidelity', 'response_format', 'user', 'stream', 'partial_images']);
const hourMs = 60 * 60 * 1000;

/** gpt-image-2's free-form sizes (spec §2): both sides divisible by 16, aspect within 1:3–3:1, at most 3840x2160. */
function isGptImage2Size(size: string): boolean {
  const match = /^(\d+)x(\d+)$/.exec(size);
  if (!match) return false;
  const [width, height] = [Number(match[1]), Number(match[2])];
  const longer = Math.max(width, height);
  const shorter = Math.min(width, height);
  return shorter > 0 && width % 16 === 0 && height % 16 === 0 && longer <= 3 * shorter && longer <= 3840 && shorter <= 2160;
}

const invalid = (message: string, param: string | null, code: string | null = null): FakeAnswer =>
  jsonAnswer(400, { error: { message, type: 'invalid_request_error', param, code } }, { 'x-request-id': `req_${randomUUID().slice(0, 8)}` });

/** Starts the fake on 127.0.0.1 (port 0). Stop it in `afterEach`. */
export async function startOpenAiFake(options: OpenAiFakeOptions = {}): Promise<OpenAiFake> {
  const apiKey = options.apiKey === undefined ? `sk-fake-${randomUUID().replace(/-/g, '')}` : options.apiKey;
  const clock = options.clock ?? new FakeClock();
  const models = new Set(options.models ?? ['gpt-image-1.5', 'gpt-image-2', 'gpt-image-1', 'gpt-image-1-mini', 'dall-e-2']);
  const outputFormats = options.outputFormats ?? ['png', 'jpeg', 'webp'];
  const files = new Map<string, { bytes: Buffer; createdAt: number }>();
  let origin = '';

  async function readParts(request: RecordedRequest): Promise<ReceivedPart[]> {
    const form = await parseMultipart(request);
    const parts: ReceivedPart[] = [];
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') parts.push({ name, value });
      else parts.push({ name, filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
    return parts;
  }

  async function edit(request: RecordedRequest): Promise<FakeAnswer> {
    if (apiKey !== null && request.headers.authorization !== `Bearer ${apiKey}`) {
      const shown = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      // OpenAI echoes (part of) the key it rejected: adapters must scrub it.
      return jsonAnswer(401, { error: { message: `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    }
    if (!(request.headers['content-type'] ?? '').startsWith('multipart/form-data; boundary=')) return invalid('Content-Type must be multipart/form-data', null);
    let parts: ReceivedPart[];
    try {
      parts = await readParts(request);
    } catch {
      return invalid('Could not parse multipart form', null);
    }
    const field = (name: string) => parts.find((part) => part.name === name && part.value !== undefined)?.value;
    for (const part of parts) {
      if (part.value !== undefined && !textFields.has(part.name) && part.name !== 'image' && part.name !== 'image[]' && part.name !== 'mask') {
        return invalid(`Unrecognized request argument supplied: ${part.name}`, part.name);
      }
    }
    const imageParts = parts.filter((part) => part.name === 'image' || part.name === 'image[]');
    if (parts.some((part) => part.name === 'image') && parts.some((part) => part.name === 'image[]')) return invalid('Send either image or image[], not both', 'image');
    const stringImage = imageParts.findIndex((part) => part.bytes === undefined);
    if (stringImage >= 0) return invalid(`Invalid type for 'image[${stringImage}]': expected a file, but got a string instead.`, `image[${stringImage}]`, 'invalid_type');
    if (imageParts.length === 0) return invalid("Missing required parameter: 'image'.", 'image');
    const prompt = field('prompt');
    if (prompt === undefined || prompt === '') return invalid("Missing required parameter: 'prompt'.", 'prompt');
    const model = field('model') ?? 'dall-e-2';
    if (!models.has(model)) return jsonAnswer(404, { error: { message: `The model '${model}' does not exist`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' } });
    const isDallE2 = model === 'dall-e-2';
    if ([...prompt].length > (isDallE2 ? 1000 : 32000)) return invalid('prompt is too long', 'prompt', 'string_above_max_length');
    const n = Number(field('n') ?? '1');
    if (!Number.isInteger(n) || n < 1 || n > 10) return invalid(`${field('n')} is not valid for n: must be 1-10`, 'n');
    const size = field('size');
    if (size !== undefined && !(isDallE2 ? dallE2Sizes : gptSizes).has(size) && !(model === 'gpt-image-2' && isGptImage2Size(size))) {
      return invalid(`Invalid size '${size}' for ${model}`, 'size');
    }
    if (isDallE2 && imageParts.length > 1) return invalid('dall-e-2 takes one image', 'image');
    if (imageParts.length > 16) return invalid('At most 16 images', 'image');
    for (const [index, part] of imageParts.entries()) {
      if (!['image/png', 'image/jpeg', 'image/webp'].includes(part.contentType ?? '')) {
        return invalid(`Invalid file 'image[${index}]': unsupported mimetype ('${part.contentType}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`, `image[${index}]`, 'unsupported_file_mimetype');
      }
    }
    const first = imageParts[0].bytes!;
    const firstMeta = await sharp(first).metadata().catch(() => undefined);
    if (firstMeta === undefined) return invalid('Invalid image file', 'image', 'invalid_image');
    if (isDallE2 && (firstMeta.format !== 'png' || firstMeta.width !== firstMeta.height || first.length >= 4 * 1024 * 1024)) {
      return invalid('Uploaded image must be a PNG, square and less than 4 MB.', 'image', 'invalid_image_format');
    }

    const maskPart = parts.find((part) => part.name === 'mask');
    let maskAlpha: Buffer | undefined;
    if (maskPart !== undefined) {
      if (maskPart.bytes === undefined) return invalid("Invalid type for 'mask': expected a file, but got a string instead.", 'mask', 'invalid_type');
      const maskMeta = await sharp(maskPart.bytes).metadata().catch(() => undefined);
      if (maskMeta?.format !== 'png' || !maskMeta.hasAlpha) return invalid('Invalid mask image format - mask image missing alpha channel', 'mask', 'invalid_image_format');
      if (maskMeta.width !== firstMeta.width || maskMeta.height !== firstMeta.height) return invalid('Mask image must have the same dimensions as the image', 'mask', 'invalid_image_dimensions');
      maskAlpha = await sharp(maskPart.bytes).ensureAlpha().extractChannel(3).raw().toBuffer();
    }

    const outputFormat = field('output_format') ?? 'png';
    if (!outputFormats.includes(outputFormat)) return invalid(`Invalid output_format '${outputFormat}': expected one of ${outputFormats.join(', ')}`, 'output_format');
    if (isDallE2 && field('output_format') !== undefined) return invalid('output_format is not supported for dall-e-2', 'output_format');
    const responseFormat = field('response_format');
    if (responseFormat !== undefined && (!isDallE2 || !['url', 'b64_json'].includes(responseFormat))) return invalid(`response_format is not supported for ${model}`, 'response_format');

    const image = await repaint(first, firstMeta.width!, firstMeta.height!, maskAlpha, size, isDallE2 ? 'png' : outputFormat);
    const data: Array<Record<string, string>> = [];
    for (let index = 0; index < n; index += 1) {
      if (isDallE2 && responseFormat !== 'b64_json') {
        const id = randomUUID();
        files.set(id, { bytes: image, createdAt: clock.now() });
        data.push({ url: `${origin}/files/${id}.png` });
      } else {
        data.push({ b64_json: image.toString('base64') });
      }
    }
    const body: Record<string, unknown> = { created: Math.floor(clock.now() / 1000), data };
    if (!isDallE2) {
      Object.assign(body, {
        background: field('background') ?? 'opaque', output_format: outputFormat, quality: field('quality') ?? 'auto', size: size ?? 'auto',
        usage: { input_tokens: 50, input_tokens_details: { image_tokens: 40, text_tokens: 10 }, output_tokens: 50 * n, total_tokens: 50 + 50 * n },
      });
    }
    return jsonAnswer(200, body, { 'x-request-id': `req_${randomUUID().slice(0, 8)}` });
  }

  function file(request: RecordedRequest): FakeAnswer {
    const id = /^\/files\/([0-9a-f-]+)\.png$/.exec(request.path)?.[1];
    const stored = id === undefined ? undefined : files.get(id);
    if (stored === undefined || clock.now() - stored.createdAt > hourMs) return { status: 403, body: 'AuthenticationFailed: signed URL expired', headers: { 'content-type': 'text/plain' } };
    return { status: 200, body: stored.bytes, headers: { 'content-type': 'image/png' } };
  }

  const server = await startFakeServer(async (request) => {
    if (request.method === 'POST' && request.path === '/v1/images/edits') return edit(request);
    if (request.method === 'GET' && request.path.startsWith('/files/')) return file(request);
    return jsonAnswer(404, { error: { message: `Invalid URL (${request.method} ${request.path})`, type: 'invalid_request_error', param: null, code: null } });
  }, { clock });
  origin = server.origin;
  const isEdit = (request: RecordedRequest) => request.path === '/v1/images/edits';

  return {
    server,
    baseUrl: `${server.origin}/v1`,
    apiKey,
    clock,
    editRequests: () => server.requests.filter(isEdit),
    parts: readParts,
    blockNextForModeration: () => server.script({
      match: isEdit,
      behaviour: { kind: 'answer', answer: jsonAnswer(400, { error: { message: 'Your request was rejected by the safety system. safety_violations=[violence].', type: 'image_generation_user_error', param: null, code: 'moderation_blocked', moderation_details: { moderation_stage: 'input', categories: ['violence'] } } }) },
    }),
    throttleNext: (times, retryAfterSeconds = 1, code = 'rate_limit_exceeded') => server.script({
      match: isEdit,
      behaviour: { kind: 'answer', answer: jsonAnswer(429, { error: { message: 'Rate limit reached for images per minute', type: code === 'insufficient_quota' ? 'insufficient_quota' : 'requests', param: null, code } }, { 'retry-after': String(retryAfterSeconds) }) },
      times,
    }),
    failNext: (behaviour, times = 1) => server.script({ match: isEdit, behaviour, times }),
    stop: () => server.stop(),
  };
}

/**
 * The stand-in for generation: the first image with every pixel the mask marks (alpha 0) painted pure red, the rest
 * untouched; without a mask, the whole image turns red. Resized to `size` when one is given.
 */
async function repaint(image: Buffer, width: number, height: number, maskAlpha: Buffer | undefined, size: string | undefined, format: string): Promise<Buffer> {
  const { data } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  for (let pixel = 0; pixel < width * height; pixel += 1) {
    if (maskAlpha === undefined || maskAlpha[pixel] === 0) {
      data[pixel * 3] = 255;
      data[pixel * 3 + 1] = 0;
      data[pixel * 3 + 2] = 0;
    }
  }
  let pipeline = sharp(data, { raw: { width, height, channels: 3 } });
  if (size !== undefined && size !== 'auto') {
    const [outputWidth, outputHeight] = size.split('x').map(Number);
    pipeline = pipeline.resize(outputWidth, outputHeight, { fit: 'fill', kernel: 'nearest' });
  }
  if (format === 'jpeg') return pipeline.jpeg({ quality: 95 }).toBuffer();
  if (format === 'webp') return pipeline.webp({ lossless: true }).toBuffer();
  return pipeline.png().toBuffer();
}
