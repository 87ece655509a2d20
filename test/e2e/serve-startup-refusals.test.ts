/**
 * docs/configuration.md: "Invalid values stop start-up with a message naming the flag or variable". A bad provider
 * variable or a broken config.json is a refusal like a bad flag (one line, exit 2), not a crash with a stack trace.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAtelierProgram } from '../support/atelier-program.ts';

let dataDirectory: string;
beforeEach(async () => {
  dataDirectory = await mkdtemp(join(tmpdir(), 'atelier-startup-'));
});
afterEach(() => rm(dataDirectory, { recursive: true, force: true }));

async function refusedStart(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const outcome = await runAtelierProgram(['serve', '--port', '0', '--data-dir', dataDirectory], env).then(
    () => ({ code: 0, stderr: 'started and exited' }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );
  return outcome;
}

describe('atelier serve refuses invalid provider settings and config.json in one line', () => {
  it.each([
    ['a provider variable', { DASHSCOPE_API_KEY: 'sk-startup-0123456789', DASHSCOPE_BASE_URL: 'ftp://dashscope.example' }, undefined, 'DASHSCOPE_BASE_URL'],
    ['config.json\'s outline', {}, '{"providers": 3}', 'config.json: providers must be an object'],
    ['config.json that is not JSON', {}, '{"providers": {"aliyun": {"api_key": "sk-never-quoted-0123"', 'config.json is not valid JSON'],
  ])('%s', async (_case, env, configText, named) => {
    if (configText !== undefined) await writeFile(join(dataDirectory, 'config.json'), configText, { mode: 0o600 });
    const { code, stderr } = await refusedStart(env);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^atelier serve: /);
    expect(stderr).toContain(named);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toContain('sk-');
  }, 30_000);
});
