import { resolve } from 'node:path';
import { readSettings } from '../config/read-settings.ts';
import type { Settings } from '../config/settings.ts';
import type { FlagSpec } from './command.ts';

/** A CLI number flag: undefined when absent, otherwise Number(value) (validation happens in the request schema). */
export function numberOrUndefined(value: string | boolean | undefined): number | undefined {
  return typeof value === 'string' ? Number(value) : undefined;
}

/** A CLI image argument as a request field pair: http(s) URLs stay URLs, anything else is an absolute path. */
export function inputFields(value: string): { value: string; type: 'url' | 'path' } {
  return /^https?:\/\//i.test(value) ? { value, type: 'url' } : { value: resolve(value), type: 'path' };
}

/**
 * Settings for the in-process commands. The CLI runs as the local user on their own files, so path inputs are not
 * confined to roots here.
 */
export function inProcessSettings(dataDirectory: string | undefined): Settings {
  return readSettings([...(dataDirectory ? ['--data-dir', dataDirectory] : []), '--input-root', '/', '--log-level', 'warn'], process.env);
}

/** How the in-process commands choose a provider: the same three knobs as the AOG routes. */
export const routingFlags: Record<string, FlagSpec> = {
  provider: { type: 'string', description: 'Provider to use: aliyun (dashscope), tencent, stepfun, openai or local (AOG remote_service_provider)' },
  'hybrid-policy': { type: 'string', description: 'default | always_local | always_remote (default: default)' },
  fallbacks: { type: 'string', description: 'Providers to try, in order, when the chosen one fails with a retryable error, e.g. "tencent,local"' },
};

/** The request fields of `routingFlags`; absent flags stay absent (validation happens in the request schema). */
export function routingFields(values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const fallbacks = values.fallbacks;
  return {
    remote_service_provider: values.provider,
    hybrid_policy: values['hybrid-policy'],
    fallbacks: typeof fallbacks === 'string' ? fallbacks.split(',').map((entry) => entry.trim()).filter(Boolean) : undefined,
  };
}
