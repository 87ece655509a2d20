import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { findProviderNamed } from '../providers/provider-catalog.ts';
import { isRecord } from '../providers/shared/is-record.ts';
import type { ProviderCapabilities } from '../providers/spec/capabilities.ts';
import type { ProviderSettingsSource } from '../providers/spec/provider-definition.ts';
import { fallbackEntryFormat, isFallbackEntry, maxFallbacks } from '../routing/fallback-chain.ts';
import { hybridPolicies } from '../routing/hybrid-policy.ts';
import { oneAtATime } from './one-at-a-time.ts';
import { SettingsError } from './read-settings.ts';

/**
 * config.json cannot be used as it is: start-up stops with its message (one line, naming the file and the key, never
 * quoting a value), as for an invalid flag.
 */
export class ConfigFileError extends SettingsError {
  override name = 'ConfigFileError';
}

/** `<data-dir>/config.json`: provider settings written by `atelier install` and the AOG control plane (mode 0600). */
export function configFilePath(dataDirectory: string): string {
  return join(dataDirectory, 'config.json');
}

export interface ConfigFile {
  providers?: Record<string, Record<string, string>>;
  /**
   * Per-service defaults: `hybrid_policy` (set through `PUT /aog/v0.2/service`, AOG's stored policy) and
   * `fallbacks`, the providers tried after the chosen one fails with a retryable error when a request sends no
   * `fallbacks` of its own (edited by hand, e.g. `["tencent", "local"]`).
   */
  services?: Record<string, ServiceDefaults>;
  /**
   * A provider's `desc` by provider id, set by `POST`/`PUT /aog/v0.2/service_provider` and shown by its listing. Kept
   * apart from `providers`: a provider reads its settings from one entry (aliyun from `providers.aliyun`, else
   * `providers.dashscope`), and an entry holding only a description would hide the other's key.
   */
  provider_descriptions?: Record<string, string>;
}

export interface ServiceDefaults {
  hybrid_policy?: string;
  fallbacks?: string[];
}

/** What the providers read their settings from: environment variables and the config file's `providers`. */
export function providerSettingsSource(config: ConfigFile, env: Readonly<Record<string, string | undefined>>): ProviderSettingsSource {
  return { env, file: config.providers ?? {} };
}

/** Reads the config file: a missing file is an empty config, a broken one an error. */
export async function readConfigFile(dataDirectory: string): Promise<ConfigFile> {
  const text = await readFile(configFilePath(dataDirectory), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '{}';
    throw new ConfigFileError(`${configFilePath(dataDirectory)} cannot be read (${error.code ?? error.message}); it must be a file readable by the user running Atelier`, { cause: error });
  });
  let parsed: ConfigFile;
  try {
    parsed = JSON.parse(text) as ConfigFile;
  } catch {
    // Not JSON.parse's message: it quotes the text around the fault, which in this file can be part of a key.
    throw new ConfigFileError(`${configFilePath(dataDirectory)} is not valid JSON${faultPosition(text)}; check it with a JSON validator (it holds keys: do not paste it anywhere public)`);
  }
  checkShape(parsed, configFilePath(dataDirectory));
  checkServiceDefaults(parsed, configFilePath(dataDirectory));
  checkProviderDescriptions(parsed, configFilePath(dataDirectory));
  return parsed;
}

/** Where `text` stops being JSON, as " at line L, column C", or "" when the parser does not say. */
function faultPosition(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    if (position === undefined) return '';
    const before = text.slice(0, Number(position)).split('\n');
    return ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
  }
  return '';
}

/** What a JSON value is, without its content: `null`, `an array`, `an object`, `a string`, `a number`, `a boolean`. */
function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Checks the file's outline — an object; `providers` an object of objects of strings; `services` an object of
 * objects — so that a hand edit such as `"ignore_retirement": true` or a file holding `null` stops start-up with a
 * message naming the key, instead of a TypeError, or an install that reports success and stores nothing.
 */
function checkShape(config: unknown, path: string): asserts config is ConfigFile {
  // By its kind only: a file holding a bare string may be a key pasted over it.
  if (!isRecord(config)) throw new ConfigFileError(`${path} must hold a JSON object such as {"providers":{}} but holds ${jsonKind(config)}`);
  if (config.providers !== undefined) {
    if (!isRecord(config.providers)) throw new ConfigFileError(`${path}: providers must be an object of provider settings by provider id`);
    for (const [id, settings] of Object.entries(config.providers)) {
      if (!isRecord(settings)) throw new ConfigFileError(`${path}: providers.${id.slice(0, 60)} must be an object of settings such as {"api_key":"…"}`);
      for (const [name, value] of Object.entries(settings)) {
        // The value itself is never quoted: it may be a key.
        if (typeof value !== 'string') throw new ConfigFileError(`${path}: providers.${id.slice(0, 60)}.${name.slice(0, 60)} must be a string (write "1" or "true" in quotes) but is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
      }
    }
  }
  if (config.services !== undefined) {
    if (!isRecord(config.services)) throw new ConfigFileError(`${path}: services must be an object of service defaults by service name`);
    for (const [service, defaults] of Object.entries(config.services)) {
      if (!isRecord(defaults)) throw new ConfigFileError(`${path}: services.${service.slice(0, 60)} must be an object such as {"hybrid_policy":"default"}`);
    }
  }
}

/**
 * Checks how `services.<service>.hybrid_policy` and `.fallbacks` are written, so a typo stops start-up (or the
 * control-plane write that re-reads the file) instead of being read as the default policy or failing requests later.
 * Whether the fallback providers exist and are configured is checked per request, since configuration can change
 * while Atelier runs.
 */
function checkServiceDefaults(config: ConfigFile, path: string): void {
  for (const [service, defaults] of Object.entries(config.services ?? {})) {
    const policy = (defaults as ServiceDefaults | null)?.hybrid_policy;
    if (policy !== undefined && !(hybridPolicies as readonly unknown[]).includes(policy)) {
      throw new ConfigFileError(`${path}: services.${service}.hybrid_policy must be one of ${hybridPolicies.join(', ')} but received ${JSON.stringify(policy).slice(0, 100)}`);
    }
    const fallbacks = (defaults as ServiceDefaults | null)?.fallbacks;
    if (fallbacks === undefined) continue;
    if (!Array.isArray(fallbacks) || fallbacks.length > maxFallbacks || !fallbacks.every(isFallbackEntry)) {
      throw new ConfigFileError(`${path}: services.${service}.fallbacks must be an array of at most ${maxFallbacks} entries, each ${fallbackEntryFormat}, but received ${JSON.stringify(fallbacks).slice(0, 200)}`);
    }
  }
}

/** Checks that `provider_descriptions`, when present, maps names to strings (a hand edit could put anything there). */
function checkProviderDescriptions(config: ConfigFile, path: string): void {
  const descriptions: unknown = config.provider_descriptions;
  if (descriptions === undefined) return;
  const expected = `${path}: provider_descriptions must be an object of strings by provider id, such as {"aliyun":"Beijing key"}`;
  // Named by kind, never quoted: settings put here by mistake would carry a key.
  if (!isRecord(descriptions)) throw new ConfigFileError(`${expected}, but it is ${jsonKind(descriptions)}`);
  for (const [id, description] of Object.entries(descriptions)) {
    if (typeof description !== 'string') throw new ConfigFileError(`${expected}, but provider_descriptions.${id.slice(0, 60)} is ${jsonKind(description)}`);
  }
}

/**
 * Changes the config file with `update` and writes it back atomically, readable by the owner only (it holds keys).
 * Concurrent writers in one process are serialised. `check` sees the changed config before anything is written:
 * when it throws, the file stays as it was and the error propagates. When `update` answers `'unchanged'` nothing is
 * checked or written (a removal that found nothing to remove must not create the file).
 */
export function updateConfigFile(dataDirectory: string, update: (config: ConfigFile) => void | 'unchanged', check?: (config: ConfigFile) => void): Promise<void> {
  return inTurn(async () => {
    const config = await readConfigFile(dataDirectory);
    if (update(config) === 'unchanged') return;
    check?.(config);
    await mkdir(dataDirectory, { recursive: true, mode: 0o700 }); // owner only, as the server creates it
    const target = configFilePath(dataDirectory);
    const temporary = `${target}.${randomUUID()}.partial`;
    try {
      await writeFile(temporary, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
      await chmod(temporary, 0o600);
      await rename(temporary, target);
    } catch (error) {
      // A half-written copy holds keys: it goes, whatever failed (a full disk, say).
      await rm(temporary, { force: true }).catch(() => undefined);
      throw error;
    }
  });
}

/** The writers of this process, in turn: each reads the file the previous one wrote. */
const inTurn = oneAtATime();

/**
 * Stores a provider's settings (from `atelier install` or the AOG control plane) as `mergeProviderSettings` puts them,
 * keeping the rest. `check` receives the config as it would be written and refuses it by throwing (nothing is written then).
 */
export function saveProviderSettings(dataDirectory: string, provider: ProviderNames, settings: Record<string, string>, check?: (config: ConfigFile) => void): Promise<void> {
  return updateConfigFile(dataDirectory, (config) => mergeProviderSettings(config, provider, settings), check);
}

/**
 * The names a provider's settings may be stored under: its id, and the aliases `DELETE` also removes; it reads those
 * under `settingsAliases` only.
 */
export type ProviderNames = Pick<ProviderCapabilities, 'id' | 'aliases' | 'settingsAliases'>;

/**
 * Puts a provider's settings into `config` under its id, over any it had, keeping its other stored values (a
 * `base_url` stays when a later install gives only a key): the one rule for an install, a `.aog` import and
 * `POST`/`PUT /aog/v0.2/service_provider`. Without an entry under its id a provider may read one under an alias
 * (aliyun reads `providers.dashscope`, its `settingsAliases`): that one is moved under the id first, or the new key
 * would hide its `base_url` (a region switched silently). Every other entry naming the provider (by an alias, or its
 * id in other case, as `DELETE` finds them) goes: the provider never reads it once its id has an entry, and a key left
 * there would be a secret the user believes replaced. Its values are not taken over: the provider never used them,
 * and a `base_url` there would send the new key to a server the user never configured.
 */
export function mergeProviderSettings(config: ConfigFile, provider: ProviderNames, settings: Record<string, string>): void {
  const stored = config.providers ?? {};
  const { id, settingsAliases = [] } = provider;
  const read = Object.hasOwn(stored, id) ? id : settingsAliases.find((alias) => Object.hasOwn(stored, alias));
  const merged = { ...(read === undefined ? {} : stored[read]), ...settings };
  const namesProvider = (key: string) => findProviderNamed([{ capabilities: provider }], key) !== undefined;
  // The id's own entry keeps its place in the file; the others naming the provider go.
  config.providers = Object.fromEntries(Object.entries(stored).filter(([key]) => key === id || !namesProvider(key)));
  config.providers[id] = merged;
}

/** Stores a service's default hybrid policy in `config`, keeping its other defaults (its `fallbacks`). */
export function mergeServicePolicy(config: ConfigFile, service: string, hybridPolicy: string): void {
  config.services ??= {};
  config.services[service] = { ...config.services[service], hybrid_policy: hybridPolicy };
}

/**
 * Sets (or, with undefined, removes) a provider's description in `config`, under its id. An empty map is dropped so
 * that a file that never had descriptions does not gain the key.
 */
export function setProviderDescription(config: ConfigFile, providerId: string, description: string | undefined): void {
  const descriptions = { ...config.provider_descriptions };
  if (description === undefined) delete descriptions[providerId];
  else descriptions[providerId] = description;
  if (Object.keys(descriptions).length === 0) delete config.provider_descriptions;
  else config.provider_descriptions = descriptions;
}

/**
 * Removes the `providers` and `provider_descriptions` entries `belongsToProvider` picks (a provider's id and any alias
 * it also reads its settings under, e.g. aliyun's `dashscope`), keeping the rest of the file. `check` receives the
 * config as it would be written and refuses it by throwing. Answers the keys removed, e.g. `providers.aliyun`; with
 * none, nothing is written.
 */
export async function removeProviderSettings(dataDirectory: string, belongsToProvider: (key: string) => boolean, check?: (config: ConfigFile) => void): Promise<string[]> {
  let removed: string[] = [];
  await updateConfigFile(dataDirectory, (config) => {
    const settings = Object.keys(config.providers ?? {}).filter(belongsToProvider);
    const descriptions = Object.keys(config.provider_descriptions ?? {}).filter(belongsToProvider);
    removed = [...settings.map((key) => `providers.${key}`), ...descriptions.map((key) => `provider_descriptions.${key}`)];
    if (removed.length === 0) return 'unchanged';
    for (const key of settings) delete config.providers![key];
    for (const key of descriptions) setProviderDescription(config, key, undefined);
  }, check);
  return removed;
}
