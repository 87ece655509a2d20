import { createHash, createHmac } from 'node:crypto';

/**
 * Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256), written from the published algorithm so that the signer
 * is ours to read and test; `tc3-sign.test.ts` checks it against Tencent's worked vectors and the official SDK.
 *
 * @see /work/shared/specs/tencent-aiart.md §6, https://www.tencentcloud.com/document/api/1021/34193
 */

/** The algorithm name, first token of the `Authorization` header and first line of the string to sign. */
export const tc3Algorithm = 'TC3-HMAC-SHA256';

/** What one signature covers. */
export interface Tc3SignInput {
  secretId: string;
  secretKey: string;
  /** Product name, the first label of the host (`aiart`, `cvm`). */
  service: string;
  /** Unix seconds; the same value goes into `X-TC-Timestamp`. */
  timestamp: number;
  /** `POST` for Atelier; `GET` only appears in the official vectors. */
  method: 'POST' | 'GET';
  /** Always `/` for API 3.0. */
  path?: string;
  /** URL-encoded query string without `?`; empty for POST. */
  query?: string;
  /**
   * The headers to sign, exactly as they are sent (names in any case). Only the ones listed here are signed; the
   * official SDK signs `Content-Type` and `Host`.
   */
  headers: Readonly<Record<string, string>>;
  /** The exact body bytes sent; hashing anything else breaks the signature. */
  payload: Buffer | string;
}

/** Every intermediate value, so tests and the fake server can compare step by step. */
export interface Tc3Signature {
  authorization: string;
  signature: string;
  /** UTC date of the timestamp, `YYYY-MM-DD`. */
  date: string;
  credentialScope: string;
  signedHeaders: string;
  hashedPayload: string;
  canonicalRequest: string;
  stringToSign: string;
}

/**
 * Signs one request.
 *
 * @example
 * const { authorization } = signTc3({ secretId, secretKey, service: 'aiart', timestamp: 1700000000, method: 'POST',
 *   headers: { 'Content-Type': 'application/json', Host: 'aiart.tencentcloudapi.com' }, payload: body });
 */
export function signTc3(input: Tc3SignInput): Tc3Signature {
  const hashedPayload = sha256Hex(input.payload);
  const { canonicalHeaders, signedHeaders } = canonicalizeHeaders(input.headers);
  const canonicalRequest = [
    input.method,
    input.path ?? '/',
    input.query ?? '',
    canonicalHeaders,
    signedHeaders,
    hashedPayload,
  ].join('\n');
  const date = tc3Date(input.timestamp);
  const credentialScope = `${date}/${input.service}/tc3_request`;
  const stringToSign = [tc3Algorithm, String(input.timestamp), credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const { secretSigning } = deriveTc3Keys(input.secretKey, date, input.service);
  const signature = hmacSha256(secretSigning, stringToSign).toString('hex');
  const authorization =
    `${tc3Algorithm} Credential=${input.secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { authorization, signature, date, credentialScope, signedHeaders, hashedPayload, canonicalRequest, stringToSign };
}

/**
 * The key chain: SecretDate = HMAC("TC3" + key, date), SecretService = HMAC(SecretDate, service),
 * SecretSigning = HMAC(SecretService, "tc3_request").
 */
export function deriveTc3Keys(secretKey: string, date: string, service: string): {
  secretDate: Buffer;
  secretService: Buffer;
  secretSigning: Buffer;
} {
  const secretDate = hmacSha256(`TC3${secretKey}`, date);
  const secretService = hmacSha256(secretDate, service);
  const secretSigning = hmacSha256(secretService, 'tc3_request');
  return { secretDate, secretService, secretSigning };
}

/** UTC date of a Unix timestamp (never local time: UTC+8 would break signatures around midnight). */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/**
 * Canonical headers: lowercase names, values trimmed and lowercased (as Tencent's documented example does with
 * `x-tc-action:describeinstances`), sorted by name, one `name:value\n` line each.
 */
export function canonicalizeHeaders(headers: Readonly<Record<string, string>>): {
  canonicalHeaders: string;
  signedHeaders: string;
} {
  const entries = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim().toLowerCase()] as const)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return {
    canonicalHeaders: entries.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders: entries.map(([name]) => name).join(';'),
  };
}

/** The parts of a TC3 `Authorization` header, or undefined when it is not one. */
export interface Tc3AuthorizationParts {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=a;b, Signature=<hex>`. */
export function parseTc3Authorization(header: string): Tc3AuthorizationParts | undefined {
  const match = /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9-]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/
    .exec(header);
  if (!match) return undefined;
  const [, secretId, date, service, signedHeaders, signature] = match;
  return { secretId, date, service, signedHeaders: signedHeaders.split(';'), signature };
}

/** Lowercase hex SHA-256. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** HMAC-SHA256 with a string or binary key. */
export function hmacSha256(key: Buffer | string, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}
