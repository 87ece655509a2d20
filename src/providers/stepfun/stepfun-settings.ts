import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import type { ProviderSettingsSource } from '../spec/provider-definition.ts';
import { nonEmpty, checkBaseUrl } from '../shared/settings-values.ts';
import { stepfunEndpointRetirement, stepfunModels } from './stepfun-capabilities.ts';

/** The China platform; the international one is `https://api.stepfun.ai/v1` (keys are not interchangeable). */
export const defaultStepFunBaseUrl = 'https://api.stepfun.com/v1';

/** Hosts run by StepFun itself: the announced retirement applies to them, not to compatible servers elsewhere. */
const officialHosts = ['api.stepfun.com', 'api.stepfun.ai'];

/** Everything the StepFun model needs. Held in memory only; `apiKey` is a secret. */
export interface StepFunSettings {
  apiKey: string;
  /** Without a trailing slash, e.g. `https://api.stepfun.com/v1`. */
  baseUrl: string;
  /** Model ids that may be sent upstream (configuration, because StepFun retires models). */
  models: readonly string[];
  /** Whether calls go out even though the endpoint's retirement date has passed (for StepFun extensions). */
  ignoreRetirement: boolean;
  /** Timeout of one image2image call, in ms. Default 120 000. */
  requestTimeoutMs: number;
  /** Timeout of downloading a `url` result, in ms. Default 60 000. */
  downloadTimeoutMs: number;
  /** Tries per request while StepFun answers 429, including the first. Default 4. */
  throttleAttempts: number;
  /** Backoff scale for throttled retries, in ms. Default 1 000. */
  throttleBaseDelayMs: number;
  /** Largest answer or downloaded result, in bytes. Default 40 MB. */
  maxResponseBytes: number;
}

/**
 * Reads StepFun settings: `STEPFUN_API_KEY`, `STEPFUN_BASE_URL`, `STEPFUN_MODELS` (comma-separated, default
 * `step-2x-large`), `STEPFUN_IGNORE_RETIREMENT` (`1` to keep calling after the retirement date) first, then
 * `providers.stepfun.api_key` / `base_url` / `models` / `ignore_retirement` in the config file.
 *
 * Returns undefined (not configured) when no key is set — and, per spec, once StepFun's announced retirement date
 * (2026-10-10) has passed for StepFun's own hosts, unless `STEPFUN_IGNORE_RETIREMENT=1`: routing then falls back to
 * another provider or the embedded engine instead of failing every call. `GET /v1/providers` shows the date
 * (`retiredOn` in the capabilities).
 *
 * @param now the date the retirement is judged against (injectable for tests)
 * @throws GatewayError `parameter_invalid` for a malformed base URL, model list or flag (naming the variable).
 */
export function readStepFunSettings(source: ProviderSettingsSource, now: Date = new Date()): StepFunSettings | undefined {
  const file = source.file.stepfun ?? {};
  const apiKey = nonEmpty(source.env.STEPFUN_API_KEY) ?? nonEmpty(file.api_key);
  if (apiKey === undefined) return undefined;
  const baseUrl = checkBaseUrl(nonEmpty(source.env.STEPFUN_BASE_URL) ?? nonEmpty(file.base_url) ?? defaultStepFunBaseUrl, 'STEPFUN_BASE_URL', 'https://api.stepfun.com/v1');
  const models = parseModels(nonEmpty(source.env.STEPFUN_MODELS) ?? nonEmpty(file.models));
  const ignoreRetirement = parseFlag(nonEmpty(source.env.STEPFUN_IGNORE_RETIREMENT) ?? nonEmpty(file.ignore_retirement));
  if (isPastRetirement(baseUrl, now) && !ignoreRetirement) return undefined;
  return {
    apiKey,
    baseUrl,
    models,
    ignoreRetirement,
    requestTimeoutMs: 120_000,
    downloadTimeoutMs: 60_000,
    throttleAttempts: 4,
    throttleBaseDelayMs: 1_000,
    maxResponseBytes: 40 * 1024 * 1024,
  };
}

/**
 * Why StepFun is not used although a key is set: its own hosts are past the retirement date. Undefined when there is
 * no key, when the retirement does not apply (another host, before the date) or was overridden.
 */
export function stepfunUnavailableReason(source: ProviderSettingsSource, now: Date = new Date()): string | undefined {
  const file = source.file.stepfun ?? {};
  if ((nonEmpty(source.env.STEPFUN_API_KEY) ?? nonEmpty(file.api_key)) === undefined) return undefined;
  const baseUrl = nonEmpty(source.env.STEPFUN_BASE_URL) ?? nonEmpty(file.base_url) ?? defaultStepFunBaseUrl;
  if (!URL.canParse(baseUrl) || !isPastRetirement(baseUrl, now)) return undefined;
  if (parseFlag(nonEmpty(source.env.STEPFUN_IGNORE_RETIREMENT) ?? nonEmpty(file.ignore_retirement))) return undefined;
  return `a StepFun key is set, but StepFun retired its image endpoints on ${stepfunEndpointRetirement.date} (${stepfunEndpointRetirement.announcement}), `
    + `so StepFun models are served by other providers or the embedded engine; set STEPFUN_IGNORE_RETIREMENT=1 to call ${new URL(baseUrl).host} anyway, `
    + 'or STEPFUN_BASE_URL to a compatible server';
}

/** Whether `baseUrl` is StepFun's own and `now` is on or after the endpoint retirement date (UTC+8 midnight). */
export function isPastRetirement(baseUrl: string, now: Date): boolean {
  return isOfficialStepFunHost(baseUrl) && now.getTime() >= chinaMidnight(stepfunEndpointRetirement.date);
}

/** Whether the base URL points at StepFun itself (not a compatible server or proxy). */
export function isOfficialStepFunHost(baseUrl: string): boolean {
  return officialHosts.includes(new URL(baseUrl).hostname);
}

/** StepFun announces dates in China time: things go offline at 00:00 UTC+8 on the date. */
export function chinaMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}

function parseModels(value: string | undefined): readonly string[] {
  if (value === undefined) return [stepfunModels[0].id];
  const models = value.split(',').map((model) => model.trim()).filter(Boolean);
  const invalid = models.find((model) => !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(model));
  if (models.length === 0 || invalid !== undefined) {
    throw new GatewayError('parameter_invalid', { parameter: 'STEPFUN_MODELS', expected: 'a comma-separated list of model ids such as step-2x-large', received: describeReceived(value) });
  }
  return models;
}

function parseFlag(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false;
  throw new GatewayError('parameter_invalid', { parameter: 'STEPFUN_IGNORE_RETIREMENT', expected: '1 or 0', received: describeReceived(value) });
}
