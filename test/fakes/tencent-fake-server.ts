import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/**
 * A wire-faithful Tencent Cloud aiart `ImageToImage` (2022-12-29) for offline tests, following the fake-server
 * checklist of `specs/tencent-aiart.md` §9. It verifies TC3-HMAC-SHA256 signatures with its own implementation
 * (independent of `src/providers/tencent/tc3-sign.ts`), rebuilding the canonical request from whatever
 * `SignedHeaders` lists and the raw body bytes; checks the `X-TC-*` headers, field names, types and limits; and
 * answers like Tencent: HTTP 200 with `Response.Error` for every API error. Listens on 127.0.0.1, port 0.
 */

export interface TencentFakeOptions {
  /** SecretId → SecretKey pairs the fake accepts. */
  credentials?: Readonly<Record<string, string>>;
  /** Regions that offer ImageToImage (default ap-guangzhou, ap-shanghai, ap-beijing, ap-singapore). */
  allowedRegions?: readonly string[];
  /** The fake's clock (signature skew, result-URL expiry); default real time. */
  now?(): Date;
  /** Jobs in flight per account before `RequestLimitExceeded.JobNumExceed` (default 3). */
  maxConcurrentJobs?: number;
  /** How long each job "generates", in ms (default 0). */
  latencyMs?: number;
  /** Largest accepted `InputImage`, in base64 characters (default 8 MB). */
  maxBase64Length?: number;
}

/** One request as received, for wire assertions. */
export interface RecordedTencentRequest {
  method: string;
  path: string;
  /** Lowercased names, values as sent. */
  headers: Readonly<Record<string, string>>;
  rawBody: Buffer;
  /** The parsed body, when it was JSON. */
  body: Record<string, unknown> | undefined;
}

/** A behaviour forced onto the next request(s), before or instead of the normal handling. */
export type TencentFakeBehaviour =
  /** `Response.Error` with this code, after authentication and validation passed (moderation, balance…). */
  | { kind: 'error'; code: string; message?: string }
  /** A raw HTTP answer, as a gateway in front of Tencent might give (429 with Retry-After, 502, malformed JSON). */
  | { kind: 'http'; status: number; headers?: Record<string, string>; body: string }
  /** Never answer (until the server closes): a hang past the client's timeout. */
  | { kind: 'hang' };

export interface TencentFake {
  /** Origin to use as `TENCENTCLOUD_AIART_ENDPOINT`, e.g. `http://127.0.0.1:53124`. */
  url: string;
  requests: RecordedTencentRequest[];
  /** Queues behaviours for the next requests, in order. */
  enqueue(...behaviours: TencentFakeBehaviour[]): void;
  /** Most jobs that were in flight at once. */
  peakConcurrentJobs(): number;
  close(): Promise<void>;
}

/** Tencent's published example credentials (not real keys). */
export const exampleTencentCredentials = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
} as const;

const knownStyles = new Set(['104', '107', '116', '201', '203', '210', '120', '121', '123', '124', '125', '126', '127', '135', '128', '129', '130', '131', '132', '133', '134']);
const knownFields = new Set(['InputImage', 'InputUrl', 'Prompt', 'NegativePrompt', 'Styles', 'ResultConfig', 'LogoAdd', 'LogoParam', 'Strength', 'RspImgType', 'EnhanceImage', 'RestoreFace']);
const resolutions: Record<string, [number, number]> = { '768:768': [768, 768], '768:1024': [768, 1024], '1024:768': [1024, 768] };

class TencentApiError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startTencentFake(options: TencentFakeOptions = {}): Promise<TencentFake> {
  const credentials = options.credentials ?? { [exampleTencentCredentials.secretId]: exampleTencentCredentials.secretKey };
  const allowedRegions = options.allowedRegions ?? ['ap-guangzhou', 'ap-shanghai', 'ap-beijing', 'ap-singapore'];
  const now = options.now ?? (() => new Date());
  const maxJobs = options.maxConcurrentJobs ?? 3;
  const maxBase64Length = options.maxBase64Length ?? 8 * 1024 * 1024;
  const requests: RecordedTencentRequest[] = [];
  const behaviours: TencentFakeBehaviour[] = [];
  const results = new Map<string, { bytes: Buffer; expiresAt: number }>();
  const activeJobs = new Map<string, number>();
  let peak = 0;
  let origin = '';

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`fake failure: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readAll(request);
    const path = request.url ?? '/';
    if (request.method === 'GET' && path.startsWith('/results/')) return serveResult(path, response);

    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value ?? '']));
    let body: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    requests.push({ method: request.method ?? '', path, headers, rawBody, body });

    const forced = behaviours[0];
    if (forced?.kind === 'hang') {
      behaviours.shift();
      return; // never answered; `close` destroys the socket
    }
    if (forced?.kind === 'http') {
      behaviours.shift();
      response.writeHead(forced.status, { 'content-type': 'application/json', ...forced.headers });
      response.end(forced.body);
      return;
    }

    const requestId = randomUUID();
    try {
      if (request.method !== 'POST' || path !== '/') throw new TencentApiError('UnsupportedProtocol', 'Only POST / is served.');
      const secretId = verifySignature(request.method, path, headers, rawBody);
      if (headers['x-tc-action'] !== 'ImageToImage') throw new TencentApiError('InvalidAction', `The action ${headers['x-tc-action'] ?? ''} does not exist.`);
      if (headers['x-tc-version'] !== '2022-12-29') throw new TencentApiError('NoSuchVersion', `The version ${headers['x-tc-version'] ?? ''} does not exist.`);
      if (!allowedRegions.includes(headers['x-tc-region'] ?? '')) throw new TencentApiError('UnsupportedRegion', `ImageToImage does not support region ${headers['x-tc-region'] ?? ''}.`);
      if (!(headers['content-type'] ?? '').startsWith('application/json')) throw new TencentApiError('InvalidParameter', 'Content-Type must be application/json.');
      if (body === undefined) throw new TencentApiError('InvalidParameter', 'The request body is not a JSON object.');
      const input = await validateBody(body);

      const next = behaviours[0];
      if (next?.kind === 'error') {
        behaviours.shift();
        throw new TencentApiError(next.code, next.message ?? `forced ${next.code}`);
      }

      const active = activeJobs.get(secretId) ?? 0;
      if (active >= maxJobs) throw new TencentApiError('RequestLimitExceeded.JobNumExceed', 'The number of concurrent jobs exceeds the limit.');
      activeJobs.set(secretId, active + 1);
      peak = Math.max(peak, active + 1);
      try {
        if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
        const resultBytes = await generate(input, body);
        let resultImage: string;
        if (body.RspImgType === 'url') {
          const id = randomUUID();
          results.set(id, { bytes: resultBytes, expiresAt: now().getTime() + 60 * 60 * 1000 });
          resultImage = `${origin}/results/${id}.jpg`;
        } else {
          resultImage = resultBytes.toString('base64');
        }
        answer(response, { Response: { ResultImage: resultImage, RequestId: requestId } });
      } finally {
        activeJobs.set(secretId, (activeJobs.get(secretId) ?? 1) - 1);
      }
    } catch (error) {
      if (!(error instanceof TencentApiError)) throw error;
      answer(response, { Response: { Error: { Code: error.code, Message: error.message }, RequestId: requestId } });
    }
  }

  /** Checklist items 1–2: parse Authorization, rebuild the canonical request from SignedHeaders, compare. */
  function verifySignature(method: string, path: string, headers: Record<string, string>, rawBody: Buffer): string {
    const authorization = headers.authorization ?? '';
    const match = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(authorization);
    if (!match) throw new TencentApiError('AuthFailure.InvalidAuthorization', 'The Authorization header is not a TC3-HMAC-SHA256 credential.');
    const [, secretId, date, service, signedHeaderList, signature] = match;
    const secretKey = credentials[secretId];
    if (secretKey === undefined) throw new TencentApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
    const timestamp = Number(headers['x-tc-timestamp']);
    if (!/^\d+$/.test(headers['x-tc-timestamp'] ?? '')) throw new TencentApiError('MissingParameter', 'The X-TC-Timestamp header is missing.');
    if (Math.abs(now().getTime() / 1000 - timestamp) > 300) throw new TencentApiError('AuthFailure.SignatureExpire', 'Signature expired. Timestamp and server time cannot differ by more than 5 minutes.');
    if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) throw new TencentApiError('AuthFailure.SignatureFailure', 'The credential date is not the UTC date of X-TC-Timestamp.');
    if (service !== 'aiart') throw new TencentApiError('AuthFailure.SignatureFailure', `The credential scope names service ${service}, not aiart.`);
    const signedNames = signedHeaderList.split(';');
    if (!signedNames.includes('content-type') || !signedNames.includes('host')) {
      throw new TencentApiError('AuthFailure.SignatureFailure', 'SignedHeaders must include content-type and host.');
    }
    const sortedNames = [...signedNames].sort();
    if (sortedNames.join(';') !== signedHeaderList) throw new TencentApiError('AuthFailure.SignatureFailure', 'SignedHeaders must be sorted.');
    const canonicalHeaders = sortedNames.map((name) => `${name}:${(headers[name] ?? '').trim().toLowerCase()}\n`).join('');
    const hashedPayload = createHash('sha256').update(rawBody).digest('hex');
    const canonicalRequest = `${method}\n${path}\n\n${canonicalHeaders}\n${signedHeaderList}\n${hashedPayload}`;
    const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/aiart/tc3_request\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const secretDate = createHmac('sha256', `TC3${secretKey}`).update(date).digest();
    const secretService = createHmac('sha256', secretDate).update('aiart').digest();
    const secretSigning = createHmac('sha256', secretService).update('tc3_request').digest();
    const expected = createHmac('sha256', secretSigning).update(stringToSign).digest('hex');
    if (expected !== signature) {
      throw new TencentApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
    }
    return secretId;
  }

  /** Checklist item 4 plus the field table of spec §3: names, types and limits. */
  async function validateBody(body: Record<string, unknown>): Promise<{ width: number; height: number; bytes?: Buffer }> {
    for (const key of Object.keys(body)) {
      if (!knownFields.has(key)) throw new TencentApiError('InvalidParameter.InvalidParameter', `Unknown parameter ${key}.`);
    }
    const invalidValue = (field: string) => new TencentApiError('InvalidParameterValue.ParameterValueError', `The value of ${field} is invalid.`);
    for (const field of ['Prompt', 'NegativePrompt'] as const) {
      const value = body[field];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw invalidValue(field);
      if ([...value].length > 256) throw new TencentApiError('InvalidParameterValue.TextLengthExceed', `${field} is longer than 256 characters.`);
    }
    if (body.Styles !== undefined) {
      if (!Array.isArray(body.Styles) || body.Styles.some((style) => typeof style !== 'string' || !knownStyles.has(style))) throw invalidValue('Styles');
      const styles = body.Styles as string[];
      if (styles.length > 1 && styles.some((style) => style.startsWith('1'))) {
        throw new TencentApiError('InvalidParameterValue.StyleConflict', '1xx和其他风格不可混合使用');
      }
    }
    if (body.ResultConfig !== undefined) {
      const config = body.ResultConfig as Record<string, unknown>;
      if (typeof config !== 'object' || config === null || !['origin', ...Object.keys(resolutions)].includes(String(config.Resolution))) throw invalidValue('ResultConfig.Resolution');
    }
    for (const [field, maximum] of [['LogoAdd', 1], ['EnhanceImage', 1], ['RestoreFace', 6]] as const) {
      const value = body[field];
      if (value !== undefined && (!Number.isInteger(value) || (value as number) < 0 || (value as number) > maximum)) throw invalidValue(field);
    }
    if (body.Strength !== undefined && (typeof body.Strength !== 'number' || !(body.Strength > 0 && body.Strength <= 1))) throw invalidValue('Strength');
    if (body.RspImgType !== undefined && body.RspImgType !== 'base64' && body.RspImgType !== 'url') throw invalidValue('RspImgType');
    if (body.LogoParam !== undefined) {
      const logo = body.LogoParam as Record<string, unknown>;
      if (typeof logo !== 'object' || logo === null) throw invalidValue('LogoParam');
      for (const key of Object.keys(logo)) if (!['LogoUrl', 'LogoImage', 'LogoRect'].includes(key)) throw invalidValue(`LogoParam.${key}`);
      if (logo.LogoUrl !== undefined && (typeof logo.LogoUrl !== 'string' || !/^https?:\/\//.test(logo.LogoUrl))) throw new TencentApiError('InvalidParameterValue.UrlIllegal', 'LogoUrl is not a valid URL.');
      if (logo.LogoRect !== undefined) {
        const rect = logo.LogoRect as Record<string, unknown>;
        if (['X', 'Y', 'Width', 'Height'].some((key) => !Number.isInteger(rect[key]))) throw invalidValue('LogoParam.LogoRect');
      }
    }

    if (body.InputUrl !== undefined) {
      if (typeof body.InputUrl !== 'string' || !/^https?:\/\/\S+$/.test(body.InputUrl)) throw new TencentApiError('InvalidParameterValue.UrlIllegal', 'InputUrl is not a valid URL.');
      return { width: 512, height: 512 }; // the fake never downloads: it pretends the URL held a 512×512 image
    }
    if (body.InputImage === undefined || body.InputImage === '') throw new TencentApiError('InvalidParameterValue.ImageEmpty', 'No image was provided.');
    if (typeof body.InputImage !== 'string') throw invalidValue('InputImage');
    if (body.InputImage.startsWith('data:')) throw new TencentApiError('FailedOperation.ImageDecodeFailed', 'InputImage must be raw base64 without a data: prefix.');
    if (body.InputImage.length > maxBase64Length) throw new TencentApiError('FailedOperation.ImageSizeExceed', 'The base64 data of the image exceeds the limit.');
    const bytes = Buffer.from(body.InputImage, 'base64');
    let metadata: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
    try {
      metadata = await sharp(bytes).metadata();
    } catch {
      throw new TencentApiError('FailedOperation.ImageDecodeFailed', 'Image decoding failed.');
    }
    if (!['jpeg', 'png', 'webp', 'tiff'].includes(metadata.format ?? '')) throw new TencentApiError('FailedOperation.ImageDecodeFailed', `Unsupported image format ${metadata.format}.`);
    const width = metadata.width ?? 0;
    const height = metadata.height ?? 0;
    if (width <= 50 || height <= 50 || width >= 5000 || height >= 5000) throw new TencentApiError('InvalidParameterValue.ParameterValueError', 'Each image side must be more than 50 and less than 5000 pixels.');
    if (width > 2000 || height > 2000) throw new TencentApiError('FailedOperation.ImageResolutionExceed', '图片分辨率过大，超过2000*2000');
    return { width, height, bytes };
  }

  /** A deterministic stand-in for generation: the input hue-rotated, at the requested resolution, as JPEG. */
  async function generate(input: { width: number; height: number; bytes?: Buffer }, body: Record<string, unknown>): Promise<Buffer> {
    const resolution = resolutions[String((body.ResultConfig as Record<string, unknown> | undefined)?.Resolution)];
    const source = input.bytes
      ? sharp(input.bytes)
      : sharp({ create: { width: input.width, height: input.height, channels: 3, background: { r: 90, g: 120, b: 160 } } });
    let pipeline = source.removeAlpha().modulate({ hue: 120 });
    if (resolution) pipeline = pipeline.resize(resolution[0], resolution[1], { fit: 'cover' });
    return pipeline.jpeg({ quality: 85 }).toBuffer();
  }

  function serveResult(path: string, response: ServerResponse): void {
    const id = /^\/results\/([0-9a-f-]+)\.jpg$/.exec(path)?.[1];
    const result = id === undefined ? undefined : results.get(id);
    if (result === undefined || now().getTime() > result.expiresAt) {
      // Expired signed links on Tencent's COS answer 403 with an XML body.
      response.writeHead(403, { 'content-type': 'application/xml' });
      response.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      return;
    }
    response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(result.bytes.length) });
    response.end(result.bytes);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    enqueue: (...added) => behaviours.push(...added),
    peakConcurrentJobs: () => peak,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function answer(response: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  // Tencent answers every API error with HTTP 200; the body says what happened.
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  response.end(text);
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
