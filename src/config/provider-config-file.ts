import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProviderSettingsSource } from '../providers/spec/provider-definition.ts';

/** `<data-dir>/config.json`: provider settings written by `atelier install` and the AOG control plane (mode 0600). */
export function configFilePath(dataDirectory: string): string {
  return join(dataDirectory, 'config.json');
}

interface ConfigFile {
  providers?: Record<string, Record<string, string>>;
}

/** Reads environment variables and the config file; a missing file is an empty config, a broken one an error. */
export async function readProviderSettingsSource(dataDirectory: string, env: Readonly<Record<string, string | undefined>>): Promise<ProviderSettingsSource> {
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
  return { env, file: parsed.providers ?? {} };
}
