import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSettings } from '../../src/config/read-settings.ts';
import type { Settings } from '../../src/config/settings.ts';
import { createApp } from '../../src/http/create-app.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { createContext, type AppContext } from '../../src/server/create-context.ts';

/**
 * An in-process app on a temporary data dir, with that dir as the only input root. `adjustSettings` changes what no
 * flag can reach (e.g. a wait limit shorter than the flags' one-second minimum); `config` is written to config.json
 * (mode 0600) before the start, next to `env` as the environment (their parts alone need not be a valid configuration).
 */
export async function createTestApp(options: { args?: string[]; env?: Record<string, string | undefined>; config?: unknown; adjustSettings?: (settings: Settings) => Settings } = {}) {
  const dataDirectory = await mkdtemp(join(tmpdir(), `atelier-test-${process.pid}-`));
  if (options.config !== undefined) await writeFile(join(dataDirectory, 'config.json'), JSON.stringify(options.config), { mode: 0o600 });
  const flagSettings = readSettings(['--data-dir', dataDirectory, '--input-root', dataDirectory, '--public-url', 'http://atelier.test', ...(options.args ?? [])], {});
  const settings = Object.freeze(options.adjustSettings?.(flagSettings) ?? flagSettings);
  const context: AppContext = await createContext(settings, { logger: silentLogger, env: options.env ?? {} });
  const app = createApp(context);
  return {
    app,
    context,
    dataDirectory,
    /** Sends a JSON POST. */
    post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    close: async () => {
      await context.close();
      await rm(dataDirectory, { recursive: true, force: true });
    },
  };
}
