import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommandInProcess } from '../../../test/support/run-command-in-process.ts';
import { installCommand } from './install-command.ts';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-install-command-'));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

/** No server listens on port 9 (discard): the command writes config.json itself. */
const offline = (authKey: string) => runCommandInProcess(installCommand, [
  'image-to-image', '--remote', '--flavor', 'aliyun', '--auth_key', authKey, '--server', 'http://127.0.0.1:9', '--data-dir', directory,
]);

describe('atelier install with no server answering', () => {
  it('writes valid settings to config.json', async () => {
    const { code } = await offline('{"api_key":"sk-offline-install-0123"}');
    expect(code).toBe(0);
    expect(await readFile(join(directory, 'config.json'), 'utf8')).toContain('sk-offline-install-0123');
  });

  it('moves settings kept under an alias (providers.dashscope) under the id, merging the key over them, so the old key does not stay', async () => {
    const intlBaseUrl = 'https://dashscope-intl.aliyuncs.com/api/v1';
    await writeFile(join(directory, 'config.json'), JSON.stringify({ providers: { dashscope: { api_key: 'sk-offline-alias-old-0123', base_url: intlBaseUrl } } }), { mode: 0o600 });
    const { code } = await offline('{"api_key":"sk-offline-install-0123"}');
    expect(code).toBe(0);
    const text = await readFile(join(directory, 'config.json'), 'utf8');
    expect(text).not.toContain('sk-offline-alias-old');
    expect(JSON.parse(text).providers).toEqual({ aliyun: { api_key: 'sk-offline-install-0123', base_url: intlBaseUrl } });
  });

  it('refuses invalid settings as the server does, and writes nothing (they would stop the next start)', async () => {
    const { code, stderr } = await offline('{"api_key":"sk-offline-install-0123","base_url":"ftp://example.invalid"}');
    expect(code).toBe(2);
    expect(stderr.join('\n')).toContain('auth_key.base_url');
    await expect(readFile(join(directory, 'config.json'), 'utf8')).rejects.toThrow();
  });
});

describe('atelier install --server on another machine', () => {
  it('refuses before sending the key over the network, and writes nothing', async () => {
    const { code, stderr } = await runCommandInProcess(installCommand, [
      'image-to-image', '--remote', '--flavor', 'aliyun', '--auth_key', '{"api_key":"sk-never-sent-0123"}', '--server', 'http://192.0.2.50:16688', '--data-dir', directory,
    ]);
    expect(code).toBe(2);
    expect(stderr.join('\n')).toContain('is not this machine');
    expect(stderr.join('\n')).not.toContain('sk-never-sent-0123');
    await expect(readFile(join(directory, 'config.json'), 'utf8')).rejects.toThrow();
  });
});

describe('atelier install with ATELIER_SERVER', () => {
  it('talks to that server like export, import and tasks do (and refuses one on another machine)', async () => {
    const previous = process.env.ATELIER_SERVER;
    process.env.ATELIER_SERVER = 'http://192.0.2.51:16688';
    try {
      const { code, stderr } = await runCommandInProcess(installCommand, [
        'image-to-image', '--remote', '--flavor', 'aliyun', '--auth_key', '{"api_key":"sk-never-sent-4567"}', '--data-dir', directory,
      ]);
      expect(code).toBe(2);
      expect(stderr.join('\n')).toContain('http://192.0.2.51:16688 is not this machine');
      await expect(readFile(join(directory, 'config.json'), 'utf8')).rejects.toThrow();
    } finally {
      if (previous === undefined) delete process.env.ATELIER_SERVER;
      else process.env.ATELIER_SERVER = previous;
    }
  });
});
