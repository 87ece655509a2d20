import { isLoopbackHost } from '../../input/address-policy.ts';
import type { ProviderSettingsSource } from '../spec/provider-definition.ts';
import { nonEmpty, checkBaseUrl } from '../shared/settings-values.ts';

export const defaultOpenAiBaseUrl = 'https://api.openai.com/v1';

/** Everything the OpenAI model needs. Held in memory only; `apiKey` is a secret. */
export interface OpenAiSettings {
  /** Absent only for a loopback base URL (a local OpenAI-compatible server without auth). */
  apiKey?: string;
  /** Without a trailing slash, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:1234/v1`. */
  baseUrl: string;
  /**
   * Whether the base URL is a loopback address, i.e. an OpenAI-compatible local server such as stable-diffusion.cpp
   * (`local-servers.md` §3.1): it gets the local engines' long timeout and only the output formats it makes.
   * Absent means OpenAI itself (or a remote proxy of it).
   */
  localServer?: boolean;
  /** Sent as `OpenAI-Organization` / `OpenAI-Project` when set. */
  organization?: string;
  project?: string;
  /**
   * Timeout of one edits call, in ms. Default 180 000 (GPT image edits take up to a minute or two); 600 000 for a
   * local server, which may run on a CPU and queues jobs (`local-servers.md` §0: "a long timeout (default 10 min)").
   */
  requestTimeoutMs: number;
  /** Timeout of downloading a dall-e-2 `url` result, in ms. Default 60 000. */
  downloadTimeoutMs: number;
  /** Tries per call while the server answers 429, including the first. Default 4. */
  throttleAttempts: number;
  /** Backoff scale for throttled retries, in ms. Default 1 000. */
  throttleBaseDelayMs: number;
  /** Largest answer (base64 images inside JSON) or downloaded result, in bytes. Default 200 MB (n up to 4 large images). */
  maxResponseBytes: number;
}

/**
 * Reads OpenAI settings: `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID` (the official
 * SDKs' names) first, then `providers.openai.api_key` / `base_url` / `organization` / `project` in the config file.
 *
 * Configured when a key is set — or, without a key, when the base URL is a loopback address (`localhost`,
 * `*.localhost`, `127.0.0.0/8`, `::1`; see `isLoopbackHost`): local servers such as stable-diffusion.cpp need none.
 *
 * @throws GatewayError `parameter_invalid` for a malformed base URL (naming the variable).
 */
export function readOpenAiSettings(source: ProviderSettingsSource): OpenAiSettings | undefined {
  const file = source.file.openai ?? {};
  const apiKey = nonEmpty(source.env.OPENAI_API_KEY) ?? nonEmpty(file.api_key);
  const baseUrl = checkBaseUrl(nonEmpty(source.env.OPENAI_BASE_URL) ?? nonEmpty(file.base_url) ?? defaultOpenAiBaseUrl, 'OPENAI_BASE_URL', 'https://api.openai.com/v1');
  const localServer = isLoopbackHost(new URL(baseUrl).hostname);
  if (apiKey === undefined && !localServer) return undefined;
  return {
    apiKey,
    baseUrl,
    localServer,
    organization: nonEmpty(source.env.OPENAI_ORG_ID) ?? nonEmpty(file.organization),
    project: nonEmpty(source.env.OPENAI_PROJECT_ID) ?? nonEmpty(file.project),
    requestTimeoutMs: localServer ? 600_000 : 180_000,
    downloadTimeoutMs: 60_000,
    throttleAttempts: 4,
    throttleBaseDelayMs: 1_000,
    maxResponseBytes: 200 * 1024 * 1024,
  };
}
