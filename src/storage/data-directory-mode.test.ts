/**
 * Security review of what Atelier keeps on disk: the data directory holds copies of every input (path inputs read
 * from anywhere in the home directory included), every result, the task database with prompts, and config.json with
 * keys. Created by Atelier, it must be private to its owner: with the usual umask 022 it would be world-readable, so
 * any other local user could read the images and prompts (config.json alone was 0600).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateConfigFile } from '../config/provider-config-file.ts';
import { readSettings } from '../config/read-settings.ts';
import { silentLogger } from '../logging/logger.ts';
import { createContext } from '../server/create-context.ts';

let parent: string;
const previousUmask = process.umask(0o022);
beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'atelier-data-dir-review-'));
});
afterAll(async () => {
  process.umask(previousUmask);
  await rm(parent, { recursive: true, force: true });
});

describe('the data directory Atelier creates', () => {
  it('is readable by its owner only when the server creates it', async () => {
    const dataDirectory = join(parent, 'server-data');
    const settings = readSettings(['--data-dir', dataDirectory, '--input-root', parent], {});
    const context = await createContext(settings, { logger: silentLogger, env: {} });
    try {
      expect((await stat(dataDirectory)).mode & 0o077).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('is readable by its owner only when an install creates it', async () => {
    const dataDirectory = join(parent, 'install-data');
    await updateConfigFile(dataDirectory, (config) => {
      config.services = {};
    });
    expect((await stat(dataDirectory)).mode & 0o077).toBe(0);
  });
});
