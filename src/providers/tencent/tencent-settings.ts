import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import type { ProviderSettingsSource } from '../spec/provider-definition.ts';
import { nonEmpty } from '../shared/settings-values.ts';

/** The documented global endpoint (spec §1); regional hosts such as `aiart.ap-shanghai.tencentcloudapi.com` work too. */
export const defaultTencentEndpoint = 'https://aiart.tencentcloudapi.com';

/**
 * Region for China-site accounts. The international doc says ImageToImage runs only in `ap-singapore` (spec §1,
 * unverified), so the region is configuration.
 */
export const defaultTencentRegion = 'ap-guangzhou';

/** Everything the Tencent model needs to call the service. Held in memory only; `secretKey` is a secret. */
export interface TencentSettings {
  secretId: string;
  secretKey: string;
  /** STS token of temporary credentials, sent as `X-TC-Token` (not signed, as the official SDK does); a secret. */
  sessionToken?: string;
  /** Sent in `X-TC-Region`, e.g. `ap-guangzhou`. */
  region: string;
  /** Origin only (no path, no trailing slash): API 3.0 always posts to `/`. */
  endpoint: string;
  /** Timeout of one ImageToImage call (generation runs inside it), in ms. Default 120 000. */
  requestTimeoutMs: number;
  /** Timeout of downloading a `url` result, in ms. Default 60 000. */
  downloadTimeoutMs: number;
  /** Calls in flight per account from this process (Tencent's default job limit is 3). */
  concurrency: number;
  /** Tries per call while Tencent answers `RequestLimitExceeded*`, including the first. Default 5. */
  throttleAttempts: number;
  /** Backoff scale for throttled retries, in ms (doubles per retry, with jitter). Default 1 000. */
  throttleBaseDelayMs: number;
  /** Largest answer (base64 result inside JSON) or downloaded result, in bytes. Default 40 MB. */
  maxResponseBytes: number;
}

/**
 * The values in Tencent settings that must never be shown: the provider's `secretsOf` (log redaction, leak test)
 * and the adapter (scrubbing Tencent's error messages) both read this one list.
 */
export function tencentSecrets(settings: TencentSettings): string[] {
  // The SecretId is not a secret to Tencent (it travels in every Authorization header) but it names the account.
  return [settings.secretKey, settings.secretId, ...(settings.sessionToken ? [settings.sessionToken] : [])];
}

/**
 * Reads Tencent settings: `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY`, `TENCENTCLOUD_SESSION_TOKEN` (temporary
 * credentials only; the official SDK's variable), `TENCENTCLOUD_REGION`, `TENCENTCLOUD_AIART_ENDPOINT` first, then
 * `providers.tencent.secret_id` / `secret_key` / `session_token` / `region` / `endpoint` in the config file. Undefined when neither secret is configured anywhere.
 *
 * @throws GatewayError `parameter_invalid` when only one of the two secrets is set, or the region or endpoint is
 * malformed (the message names the variable, never a secret's value).
 */
export function readTencentSettings(source: ProviderSettingsSource): TencentSettings | undefined {
  const file = source.file.tencent ?? {};
  const secretId = nonEmpty(source.env.TENCENTCLOUD_SECRET_ID) ?? nonEmpty(file.secret_id);
  const secretKey = nonEmpty(source.env.TENCENTCLOUD_SECRET_KEY) ?? nonEmpty(file.secret_key);
  if (secretId === undefined && secretKey === undefined) return undefined;
  if (secretId === undefined || secretKey === undefined) {
    const missing = secretId === undefined ? 'TENCENTCLOUD_SECRET_ID' : 'TENCENTCLOUD_SECRET_KEY';
    const present = secretId === undefined ? 'TENCENTCLOUD_SECRET_KEY' : 'TENCENTCLOUD_SECRET_ID';
    throw new GatewayError('parameter_invalid', {
      parameter: missing, expected: `a value (${present} is set, and Tencent needs both)`, received: 'nothing',
    });
  }
  const region = nonEmpty(source.env.TENCENTCLOUD_REGION) ?? nonEmpty(file.region) ?? defaultTencentRegion;
  if (!/^[a-z]{2,}(-[a-z0-9]+)+$/.test(region)) {
    throw new GatewayError('parameter_invalid', { parameter: 'TENCENTCLOUD_REGION', expected: 'a Tencent Cloud region such as ap-guangzhou or ap-singapore', received: describeReceived(region) });
  }
  const endpoint = checkEndpoint(nonEmpty(source.env.TENCENTCLOUD_AIART_ENDPOINT) ?? nonEmpty(file.endpoint) ?? defaultTencentEndpoint);
  const sessionToken = nonEmpty(source.env.TENCENTCLOUD_SESSION_TOKEN) ?? nonEmpty(file.session_token);
  return {
    secretId,
    secretKey,
    ...(sessionToken === undefined ? {} : { sessionToken }),
    region,
    endpoint,
    requestTimeoutMs: 120_000,
    downloadTimeoutMs: 60_000,
    concurrency: 3,
    throttleAttempts: 5,
    throttleBaseDelayMs: 1_000,
    maxResponseBytes: 40 * 1024 * 1024,
  };
}

function checkEndpoint(value: string): string {
  const invalid = () => new GatewayError('parameter_invalid', {
    parameter: 'TENCENTCLOUD_AIART_ENDPOINT', expected: 'an absolute http(s) origin such as https://aiart.tencentcloudapi.com', received: describeReceived(value),
  });
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw invalid();
  }
  // API 3.0 signs the path "/", so an endpoint with a path or query would never verify.
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.pathname !== '/' || parsed.search !== '' || parsed.username !== '') {
    throw invalid();
  }
  return parsed.origin;
}
