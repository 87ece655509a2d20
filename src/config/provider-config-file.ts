import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ProviderSettingsSource } from '../providers/spec/provider-definition.ts';

/** `<data-dir>/config.json`: provider settings written by `atelier install` and the AOG control plane (mode 0600). */
export function configFilePath(dataDirectory: string): string {
  return join(dataDirectory, 'config.json');
}

export interface ConfigFile {
  providers?: Record<string, Record<string, string>>;
  /** Per-service defaults set through `PUT /aog/v0.2/service` (AOG's stored hybrid policy). */
  services?: Record<string, { hybrid_policy?: string }>;
}

/** Reads environment variables and the config file; a missing file is an empty config, a broken one an error. */
export async function readProviderSettingsSource(dataDirectory: string, env: Readonly<Record<string, string | undefined>>): Promise<ProviderSettingsSource> {
  const parsed = await readConfigFile(dataDirectory);
  return { env, file: parsed.providers ?? {} };
}

export async function readConfigFile(dataDirectory: string): Promise<ConfigFile> {
  const text = await readFile(configFilePath(dataDirectory), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '{}';
    throw error;
  });
  let parsed: ConfigFile;
  try {
    parsed = JSON.parse(text) as ConfigFile;
  } catch (error) {
    throw new Error(`${configFilePath(dataDirectory)} is not valid JSON: ${(error as Error).message}`);
  }
  return parsed;
}

/**
 * Changes the config file with `update` and writes it back atomically, readable by the owner only (it holds keys).
 * Concurrent writers in one process are serialised.
 */
export async function updateConfigFile(dataDirectory: string, update: (config: ConfigFile) => void): Promise<void> {
  const previous = pendingWrite;
  let release!: () => void;
  pendingWrite = new Promise<void>((resolve) => (release = resolve));
  await previous;
  try {
    const config = await readConfigFile(dataDirectory);
    update(config);
    await mkdir(dataDirectory, { recursive: true });
    const target = configFilePath(dataDirectory);
    const temporary = `${target}.${randomUUID()}.partial`;
    await writeFile(temporary, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, target);
  } finally {
    release();
  }
}

let pendingWrite: Promise<void> = Promise.resolve();
