import { createHash, createHmac, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import {
  FakeClock, jsonAnswer, startFakeServer, type FakeAnswer, type FakeServer, type RecordedRequest, type ScriptedBehaviour,
} from './fake-server-kit.ts';

/**
 * A wire-faithful Tencent Cloud aiart `ImageToImage` (2022-12-29) for offline tests, following the fake-server
 * checklist of `specs/tencent-aiart.md` §9. It verifies TC3-HMAC-SHA256 signatures with its own implementation
 * (independent of `src/providers/tencent/tc3-sign.ts`), rebuilding the canonical request from whatever
 * `SignedHeaders` lists and the raw body bytes, against its fake clock; checks the `X-TC-*` headers, field names,
 * types and limits; limits jobs in flight per account; and answers like Tencent: HTTP 200 with `Response.Error` for
 * every API error, base64 results or `url` results served here that expire after a fake hour.
 */

export interface TencentFakeOptions {
  /** SecretId → SecretKey pairs the fake accepts (default: Tencent's published example pair). */
  credentials?: Readonly<Record<string, string>>;
  /** SecretId → STS token for temporary credentials: those calls must send it as `X-TC-Token`. */
  sessionTokens?: Readonly<Record<string, string>>;
  /** Regions that offer ImageToImage (default ap-guangzhou, ap-shanghai, ap-beijing, ap-singapore). */
  allowedRegions?: readonly string[];
  /** Signature skew and result-URL expiry are judged on this clock. */
  clock?: FakeClock;
  /** Jobs in flight per account before `RequestLimitExceeded.JobNumExceed` (default 3). */
  maxConcurrentJobs?: number;
  /** How long each job "generates", in real ms (default 0). */
  latencyMs?: number;
  /** `InputImage` must be shorter than this, in base64 characters (default 8 × 1024 × 1024: "< 8 MB after base64", spec §3). */
  maxBase64Length?: number;
}

export interface TencentFake {
  server: FakeServer;
  /** Origin to use as `TENCENTCLOUD_AIART_ENDPOINT`, e.g. `http://127.0.0.1:53124`. */
  url: string;
  clock: FakeClock;
  /** Requests to the API (`POST /`), in order. */
  apiRequests(): RecordedRequest[];
  /** `GET` downloads of `url` results. */
  resultDownloads(): RecordedRequest[];
  /** The next API requests that pass authentication and validation answer `Response.Error` with these codes. */
  failNextWith(...errors: Array<{ code: string; message?: string }>): void;
  /** A transport-level behaviour (HTTP 429/5xx from a gateway, hang, reset, malformed JSON) for the next call(s). */
  failNext(behaviour: ScriptedBehaviour, times?: number): void;
  /** Most jobs that were in flight at once. */
  peakConcurrentJobs(): number;
  stop(): Promise<void>;
}

/** Tencent's published example credentials (spec §6.1; not real keys). */
export const exampleTencentCredentials = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
} as const;

const knownStyles = new Set(['104', '107', '116', '201', '203', '210', '120', '121', '123', '124', '125', '126', '127', '135', '128', '129', '130', '131', '132', '133', '134']);
const knownFields = new Set(['InputImage', 'InputUrl', 'Prompt', 'NegativePrompt', 'Styles', 'ResultConfig', 'LogoAdd', 'LogoParam', 'Strength', 'RspImgType', 'EnhanceImage', 'RestoreFace']);
const resolutions: Record<string, [number, number]> = { '768:768': [768, 768], '768:1024': [768, 1024], '1024:768': [1024, 768] };
const hourMs = 60 * 60 * 1000;

class TencentApiError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Starts the fake on 127.0.0.1 (port 0). Stop it in `afterEach`. */
export async function startTencentFake(options: TencentFakeOptions = {}): Promise<TencentFake> {
  const credentials = options.credentials ?? { [exampleTencentCredentials.secretId]: exampleTencentCredentials.secretKey };
  const sessionTokens = options.sessionTokens ?? {};
  const allowedRegions = options.allowedRegions ?? ['ap-guangzhou', 'ap-shanghai', 'ap-beijing', 'ap-singapore'];
  const clock = options.clock ?? new FakeClock();
  const maxJobs = options.maxConcurrentJobs ?? 3;
  const maxBase64Length = options.maxBase64Length ?? 8 * 1024 * 1024;
  const forcedErrors: Array<{ code: string; message?: string }> = [];
  const results = new Map<string, { bytes: Buffer; expiresAt: number }>();
  const activeJobs = new Map<string, number>();
  let peak = 0;
  let origin = '';

  async function api(request: RecordedRequest): Promise<FakeAnswer> {
    const requestId = randomUUID();
    try {
      const secretId = verifySignature(request);
      const action = request.headers['x-tc-action'];
      if (action !== 'ImageToImage') throw new TencentApiError('InvalidAction', `The action ${action ?? ''} does not exist.`);
      if (request.headers['x-tc-version'] !== '2022-12-29') throw new TencentApiError('NoSuchVersion', `The version ${request.headers['x-tc-version'] ?? ''} does not exist.`);
      if (!allowedRegions.includes(request.headers['x-tc-region'] ?? '')) {
        throw new TencentApiError('UnsupportedRegion', `ImageToImage does not support region ${request.headers['x-tc-region'] ?? ''}.`);
      }
      if (!(request.headers['content-type'] ?? '').startsWith('application/json')) throw new TencentApiError('InvalidParameter', 'Content-Type must be application/json.');
      const body = request.json;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TencentApiError('InvalidParameter', 'The request body is not a JSON object.');
      const fields = body as Record<string, unknown>;
      const input = await validateBody(fields);

      const forced = forcedErrors.shift();
      if (forced !== undefined) throw new TencentApiError(forced.code, forced.message ?? `forced ${forced.code}`);

      const active = activeJobs.get(secretId) ?? 0;
      if (active >= maxJobs) throw new TencentApiError('RequestLimitExceeded.JobNumExceed', 'The number of concurrent jobs exceeds the limit.');
      activeJobs.set(secretId, active + 1);
      peak = Math.max(peak, active + 1);
      try {
        if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
        const resultBytes = await generate(input, fields);
        let resultImage: string;
        if (fields.RspImgType === 'url') {
          const id = randomUUID();
          results.set(id, { bytes: resultBytes, expiresAt: clock.now() + hourMs });
          resultImage = `${origin}/results/${id}.jpg`;
        } else {
          resultImage = resultBytes.toString('base64');
        }
        return jsonAnswer(200, { Response: { ResultImage: resultImage, RequestId: requestId } });
      } finally {
        activeJobs.set(secretId, (activeJobs.get(secretId) ?? 1) - 1);
      }
    } catch (error) {
      if (!(error instanceof TencentApiError)) throw error;
      // Tencent answers every API error with HTTP 200; the body says what happened.
      return jsonAnswer(200, { Response: { Error: { Code: error.code, Message: error.message }, RequestId: requestId } });
    }
  }

  /** Checklist items 1–2: parse Authorization, rebuild the canonical request from SignedHeaders, compare. */
  function verifySignature(request: RecordedRequest): string {
    const { headers } = request;
    const match = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(headers.authorization ?? '');
    if (!match) throw new TencentApiError('AuthFailure.InvalidAuthorization', 'The Authorization header is not a TC3-HMAC-SHA256 credential.');
    const [, secretId, date, service, signedHeaderList, signature] = match;
    const secretKey = credentials[secretId];
    if (secretKey === undefined) throw new TencentApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
    if (!/^\d+$/.test(headers['x-tc-timestamp'] ?? '')) throw new TencentApiError('MissingParameter', 'The X-TC-Timestamp header is missing.');
    const timestamp = Number(headers['x-tc-timestamp']);
    if (Math.abs(clock.now() / 1000 - timestamp) > 300) {
      throw new TencentApiError('AuthFailure.SignatureExpire', 'Signature expired. Timestamp and server time cannot differ by more than 5 minutes.');
    }
    if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) throw new TencentApiError('AuthFailure.SignatureFailure', 'The credential date is not the UTC date of X-TC-Timestamp.');
    if (service !== 'aiart') throw new TencentApiError('AuthFailure.SignatureFailure', `The credential scope names service ${service}, not aiart.`);
    const signedNames = signedHeaderList.split(';');
    if (!signedNames.includes('content-type') || !signedNames.includes('host')) {
      throw new TencentApiError('AuthFailure.SignatureFailure', 'SignedHeaders must include content-type and host.');
    }
    if ([...signedNames].sort().join(';') !== signedHeaderList) throw new TencentApiError('AuthFailure.SignatureFailure', 'SignedHeaders must be sorted.');
    const canonicalHeaders = signedNames.map((name) => `${name}:${(headers[name] ?? '').trim().toLowerCase()}\n`).join('');
    const hashedPayload = createHash('sha256').update(request.rawBody).digest('hex');
    const canonicalRequest = `${request.method}\n${request.path}\n\n${canonicalHeaders}\n${signedHeaderList}\n${hashedPayload}`;
    const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/aiart/tc3_request\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const secretDate = createHmac('sha256', `TC3${secretKey}`).update(date).digest();
    const secretService = createHmac('sha256', secretDate).update('aiart').digest();
    const secretSigning = createHmac('sha256', secretService).update('tc3_request').digest();
    if (createHmac('sha256', secretSigning).update(stringToSign).digest('hex') !== signature) {
      throw new TencentApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
    }
    // Temporary credentials need their STS token; a token sent with permanent ones is as wrong.
    const token = request.headers['x-tc-token'];
    if (sessionTokens[secretId] !== undefined && token !== sessionTokens[secretId]) {
      throw new TencentApiError('AuthFailure.TokenFailure', 'Token verification failed: the X-TC-Token of these temporary credentials is missing or wrong.');
    }
    if (sessionTokens[secretId] === undefined && token !== undefined) throw new TencentApiError('AuthFailure.TokenFailure', 'X-TC-Token was sent with permanent credentials.');
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
      if (styles.length > 1 && styles.some((style) => style.startsWith('1'))) throw new TencentApiError('InvalidParameterValue.StyleConflict', '1xx和其他风格不可混合使用');
    }
    if (body.ResultConfig !== undefined) {
      const config = body.ResultConfig as Record<string, unknown> | null;
      if (typeof config !== 'object' || config === null || !['origin', ...Object.keys(resolutions)].includes(String(config.Resolution))) throw invalidValue('ResultConfig.Resolution');
    }
    for (const [field, maximum] of [['LogoAdd', 1], ['EnhanceImage', 1], ['RestoreFace', 6]] as const) {
      const value = body[field];
      if (value !== undefined && (!Number.isInteger(value) || (value as number) < 0 || (value as number) > maximum)) throw invalidValue(field);
    }
    if (body.Strength !== undefined && (typeof body.Strength !== 'number' || !(body.Strength > 0 && body.Strength <= 1))) throw invalidValue('Strength');
    if (body.RspImgType !== undefined && body.RspImgType !== 'base64' && body.RspImgType !== 'url') throw invalidValue('RspImgType');
    if (body.LogoParam !== undefined) {
      const logo = body.LogoParam as Record<string, unknown> | null;
      if (typeof logo !== 'object' || logo === null) throw invalidValue('LogoParam');
      for (const key of Object.keys(logo)) if (!['LogoUrl', 'LogoImage', 'LogoRect'].includes(key)) throw invalidValue(`LogoParam.${key}`);
      if (logo.LogoUrl !== undefined && (typeof logo.LogoUrl !== 'string' || !/^https?:\/\//.test(logo.LogoUrl))) throw new TencentApiError('InvalidParameterValue.UrlIllegal', 'LogoUrl is not a valid URL.');
      if (logo.LogoImage !== undefined && (typeof logo.LogoImage !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(logo.LogoImage))) throw invalidValue('LogoParam.LogoImage');
      if (logo.LogoRect !== undefined) {
        // An API error, never a crash: Tencent answers malformed fields with HTTP 200 and Response.Error (§9 item 5).
        const rect = typeof logo.LogoRect === 'object' && logo.LogoRect !== null ? logo.LogoRect as Record<string, unknown> : {};
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
    if (body.InputImage.length >= maxBase64Length) throw new TencentApiError('FailedOperation.ImageSizeExceed', 'The base64 data of the image exceeds the limit.');
    const bytes = Buffer.from(body.InputImage, 'base64');
    const metadata = await sharp(bytes).metadata().catch(() => undefined);
    if (metadata === undefined) throw new TencentApiError('FailedOperation.ImageDecodeFailed', 'Image decoding failed.');
    if (!['jpeg', 'png', 'webp', 'tiff'].includes(metadata.format ?? '')) throw new TencentApiError('FailedOperation.ImageDecodeFailed', `Unsupported image format ${metadata.format}.`);
    const width = metadata.width ?? 0;
    const height = metadata.height ?? 0;
    if (width <= 50 || height <= 50 || width >= 5000 || height >= 5000) throw new TencentApiError('InvalidParameterValue.ParameterValueError', 'Each image side must be more than 50 and less than 5000 pixels.');
    if (width > 2000 || height > 2000) throw new TencentApiError('FailedOperation.ImageResolutionExceed', '图片分辨率过大，超过2000*2000');
    return { width, height, bytes };
  }

  function result(request: RecordedRequest): FakeAnswer {
    const id = /^\/results\/([0-9a-f-]+)\.jpg$/.exec(request.path)?.[1];
    const stored = id === undefined ? undefined : results.get(id);
    if (stored === undefined || clock.now() > stored.expiresAt) {
      // Expired signed links on Tencent's COS answer 403 with an XML body.
      return { status: 403, body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', headers: { 'content-type': 'application/xml' } };
    }
    return { status: 200, body: stored.bytes, headers: { 'content-type': 'image/jpeg' } };
  }

  const server = await startFakeServer((request) => {
    if (request.method === 'GET' && request.path.startsWith('/results/')) return result(request);
    if (request.method === 'POST' && request.path === '/') return api(request);
    return jsonAnswer(200, { Response: { Error: { Code: 'UnsupportedProtocol', Message: 'Only POST / is served.' }, RequestId: randomUUID() } });
  }, { clock });
  origin = server.origin;
  const isApi = (request: RecordedRequest) => request.method === 'POST' && request.path === '/';

  return {
    server,
    url: server.origin,
    clock,
    apiRequests: () => server.requests.filter(isApi),
    resultDownloads: () => server.requests.filter((request) => request.path.startsWith('/results/')),
    failNextWith: (...errors) => forcedErrors.push(...errors),
    failNext: (behaviour, times = 1) => server.script({ match: isApi, behaviour, times }),
    peakConcurrentJobs: () => peak,
    stop: () => server.stop(),
  };
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
