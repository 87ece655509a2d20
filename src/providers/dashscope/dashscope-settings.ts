import { SettingsError } from '../../config/read-settings.ts';
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
  /**
   * Submissions per second per model with this key, replacing each model's documented limit (2 per second) for
   * accounts whose limits Alibaba raised. Absent: the documented limits.
   */
  submitsPerSecond?: number;
  /** Largest result file Atelier downloads, in bytes. Default 200 MB (videos). */
  maxResultBytes: number;
  /** Attempts for a submit that DashScope cannot have accepted (connection refused, 429). Default 3. */
  submitAttempts: number;
}

/**
 * Reads DashScope settings: `DASHSCOPE_API_KEY` / `DASHSCOPE_BASE_URL` first, then `providers.aliyun.api_key` /
 * `base_url` from the config file. Returns undefined when no key is configured anywhere. The rate limits follow
 * the documentation unless `DASHSCOPE_SUBMITS_PER_SECOND` / `DASHSCOPE_TASK_QUERIES_PER_SECOND` say otherwise
 * (raised account limits, fake servers in benchmarks).
 *
 * @throws GatewayError `parameter_invalid` when the base URL is not an absolute http(s) URL (never echoing the key)
 * @throws SettingsError when a rate variable is not a number in its range (start-up stops with its message)
 */
export function readDashScopeSettings(source: ProviderSettingsSource): DashScopeSettings | undefined {
  // Read before the key: a bad rate stops start-up even while no key is configured, not later at an install.
  const submitsPerSecond = readRate(source.env, 'DASHSCOPE_SUBMITS_PER_SECOND');
  const taskQueriesPerSecond = readRate(source.env, 'DASHSCOPE_TASK_QUERIES_PER_SECOND') ?? 20;
  const fileSettings = source.file.aliyun ?? source.file.dashscope ?? {};
  const apiKey = nonEmpty(source.env.DASHSCOPE_API_KEY) ?? nonEmpty(fileSettings.api_key);
  if (apiKey === undefined) return undefined;
  const baseUrl = nonEmpty(source.env.DASHSCOPE_BASE_URL) ?? nonEmpty(fileSettings.base_url) ?? defaultDashScopeBaseUrl;
  return {
    apiKey,
    baseUrl: checkBaseUrl(baseUrl, 'DASHSCOPE_BASE_URL', 'https://dashscope.aliyuncs.com/api/v1'),
    requestTimeoutMs: 30_000,
    taskQueriesPerSecond,
    ...(submitsPerSecond === undefined ? {} : { submitsPerSecond }),
    maxResultBytes: 200 * 1024 * 1024,
    submitAttempts: 3,
  };
}

/** A calls-per-second setting: a number greater than 0 and at most 10 000, or undefined when unset. */
function readRate(env: ProviderSettingsSource['env'], variable: string): number | undefined {
  const raw = nonEmpty(env[variable]);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 10_000) {
    throw new SettingsError(`${variable} must be a number of calls per second greater than 0 and at most 10000 but received "${raw}"`);
  }
  return value;
}
