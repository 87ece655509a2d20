import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import type { ProviderSettingsSource } from '../spec/provider-definition.ts';
import { nonEmpty, checkBaseUrl } from '../shared/settings-values.ts';

/** The documented default: China (Beijing). Keys are region-bound, so the base URL must match the key's region. */
export const defaultDashScopeBaseUrl = 'https://dashscope.aliyuncs.com/api/v1';

/** Everything a DashScope model needs to call the service. Held in memory only; `apiKey` is a secret. */
export interface DashScopeSettings {
  apiKey: string;
  /** Without a trailing slash, e.g. `https://dashscope.aliyuncs.com/api/v1`. */
  baseUrl: string;
  /** Timeout of one HTTP call (submit, poll, cancel, upload), in ms. Default 30 000. */
  requestTimeoutMs: number;
  /** Task-query budget shared by every poll with this key (spec §3.2: 20 per second per account). */
  taskQueriesPerSecond: number;
  /** Largest result file Atelier downloads, in bytes. Default 200 MB (videos). */
  maxResultBytes: number;
  /** Attempts for a submit that DashScope cannot have accepted (connection refused, 429). Default 3. */
  submitAttempts: number;
}

/**
 * Reads DashScope settings: `DASHSCOPE_API_KEY` / `DASHSCOPE_BASE_URL` first, then `providers.aliyun.api_key` /
 * `base_url` from the config file. Returns undefined when no key is configured anywhere.
 *
 * @throws GatewayError `parameter_invalid` when the base URL is not an absolute http(s) URL (never echoing the key).
 */
export function readDashScopeSettings(source: ProviderSettingsSource): DashScopeSettings | undefined {
  const fileSettings = source.file.aliyun ?? source.file.dashscope ?? {};
  const apiKey = nonEmpty(source.env.DASHSCOPE_API_KEY) ?? nonEmpty(fileSettings.api_key);
  if (apiKey === undefined) return undefined;
  const baseUrl = nonEmpty(source.env.DASHSCOPE_BASE_URL) ?? nonEmpty(fileSettings.base_url) ?? defaultDashScopeBaseUrl;
  return {
    apiKey,
    baseUrl: checkBaseUrl(baseUrl, 'DASHSCOPE_BASE_URL', 'https://dashscope.aliyuncs.com/api/v1'),
    requestTimeoutMs: 30_000,
    taskQueriesPerSecond: 20,
    maxResultBytes: 200 * 1024 * 1024,
    submitAttempts: 3,
  };
}
