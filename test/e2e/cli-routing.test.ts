/**
 * The in-process CLI commands choose providers with the same knobs as the AOG routes (`--provider`,
 * `--hybrid-policy`, `--fallbacks`), against the DashScope fake standing in for the cloud.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { imageToImageCommand } from '../../src/cli/commands/image-to-image-command.ts';
import { startDashScopeFake, type DashScopeFake } from '../fakes/dashscope-fake-server.ts';
import { jsonAnswer } from '../fakes/fake-server-kit.ts';
import { runCommandInProcess } from '../support/run-command-in-process.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

const cloudKeys = ['DASHSCOPE_API_KEY', 'DASHSCOPE_BASE_URL', 'TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY', 'STEPFUN_API_KEY', 'OPENAI_API_KEY', 'OPENAI_BASE_URL'];
let directory: string;
let photoPath: string;
let fake: DashScopeFake;
let run = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-cli-routing-'));
  photoPath = join(directory, 'photo.jpg');
  await writeFile(photoPath, await makePhotoLikeImage(640, 480, 'jpeg'));
  fake = await startDashScopeFake();
});
afterAll(async () => {
  await fake?.stop();
  await rm(directory, { recursive: true, force: true });
});
beforeEach(() => {
  // The developer's own keys must not decide these tests.
  for (const name of cloudKeys) vi.stubEnv(name, '');
  vi.stubEnv('ATELIER_TASK_ATTEMPTS', '1');
  vi.stubEnv('ATELIER_MAX_POLL_INTERVAL_MS', '20');
  return () => vi.unstubAllEnvs();
});

/** Runs `atelier image-to-image` in this process with its own data dir; returns exit code and output. */
function imageToImage(args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  run += 1;
  return runCommandInProcess(imageToImageCommand, ['--image', photoPath, '--out', join(directory, `out-${run}`), '--data-dir', join(directory, `data-${run}`), ...args]);
}

describe('atelier image-to-image: provider selection', () => {
  it('refuses always_remote without a configured provider, naming the variable to set', async () => {
    const { code, stderr } = await imageToImage(['--model', 'wanx2.1-imageedit', '--prompt', '改为油画风格', '--hybrid-policy', 'always_remote']);
    expect(code).toBe(1);
    expect(stderr.join('\n')).toMatch(/DASHSCOPE_API_KEY.*\[provider_not_configured\]/);
  });

  it('rejects an unknown fallback provider and an unknown policy', async () => {
    const unknownProvider = await imageToImage(['--prompt', 'brighter', '--model', 'wanx2.1-imageedit', '--fallbacks', 'nowhere']);
    expect(unknownProvider.code).toBe(1);
    expect(unknownProvider.stderr.join('\n')).toMatch(/nowhere.*\[provider_not_found\]/);
    const unknownPolicy = await imageToImage(['--prompt', 'brighter', '--hybrid-policy', 'sometimes']);
    expect(unknownPolicy.code).toBe(1);
    expect(unknownPolicy.stderr.join('\n')).toMatch(/hybrid_policy/);
  });

  it('sends a cloud model to DashScope when its key is set, and falls back to the engine when DashScope fails', async () => {
    vi.stubEnv('DASHSCOPE_API_KEY', fake.apiKey);
    vi.stubEnv('DASHSCOPE_BASE_URL', fake.baseUrl);
    const before = fake.submissions().length;
    const served = await imageToImage(['--model', 'wanx2.1-imageedit', '--prompt', '改为油画风格']);
    expect(served.code, served.stderr.join('\n')).toBe(0);
    expect(fake.submissions().length - before).toBe(1);
    expect(served.stderr.join('\n')).not.toMatch(/applied:/); // the cloud served it, not the engine

    fake.failNext('submit', { kind: 'answer', answer: jsonAnswer(500, { code: 'InternalError', message: 'upstream broke', request_id: 'r-cli' }) });
    const fellBack = await imageToImage(['--model', 'wanx2.1-imageedit', '--prompt', '改为油画风格', '--fallbacks', 'local']);
    expect(fellBack.code, fellBack.stderr.join('\n')).toBe(0);
    expect(fellBack.stderr.join('\n')).toMatch(/aliyun \(wanx2\.1-imageedit\) failed with upstream_unavailable: .*; local \(atelier-image\) served the request instead/);
    expect(fellBack.stderr).toContain('applied: oil-painting');
    const metadata = await sharp(fellBack.stdout[0]).metadata();
    expect([metadata.width, metadata.height]).toEqual([640, 480]);
  });

  it('serves a cloud model locally with --provider local', async () => {
    vi.stubEnv('DASHSCOPE_API_KEY', fake.apiKey);
    vi.stubEnv('DASHSCOPE_BASE_URL', fake.baseUrl);
    const before = fake.submissions().length;
    const { code, stderr } = await imageToImage(['--model', 'wanx2.1-imageedit', '--prompt', 'watercolor', '--provider', 'local']);
    expect(code, stderr.join('\n')).toBe(0);
    expect(stderr).toContain('applied: watercolor');
    expect(fake.submissions().length).toBe(before);
  });
});
