import { resolve } from 'node:path';
import { readSettings } from '../config/read-settings.ts';
import type { Settings } from '../config/settings.ts';

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
