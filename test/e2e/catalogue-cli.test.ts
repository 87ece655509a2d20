import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageToImageCommand } from '../../src/cli/commands/image-to-image-command.ts';
import { listStyles } from '../../src/engine/prompt/list-styles.ts';
import { runAtelierProgram } from '../support/atelier-program.ts';
import { runCommandInProcess } from '../support/run-command-in-process.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

/**
 * `atelier image-to-image` for every catalogue entry in English and Chinese. The full loop calls the command's entry
 * point in-process (spawning Node 34 times would take about a minute); one spawned run checks the real program.
 */
const inputWidth = 80;
const inputHeight = 56;
let directory: string;
let photoPath: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-catalogue-cli-'));
  photoPath = join(directory, 'photo.png');
  await writeFile(photoPath, await makePhotoLikeImage(inputWidth, inputHeight));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

/** Runs `atelier image-to-image` in this process and returns its exit code and what it printed. */
const runInProcess = (argv: string[]) => runCommandInProcess(imageToImageCommand, argv);

describe('atelier image-to-image for every catalogue entry', () => {
  it('applies each entry from its English and its Chinese example prompts (in-process)', async () => {
    const cases = listStyles().flatMap((style) => (['en', 'zh'] as const).flatMap((language) =>
      style.examplePrompts[language].map((prompt) => ({ id: style.id, language, prompt }))));
    expect(cases.length).toBeGreaterThanOrEqual(28);
    const problems: string[] = [];
    for (const [index, { id, language, prompt }] of cases.entries()) {
      const label = `${id} (${language}) "${prompt}"`;
      const out = join(directory, `in-process-${index}`);
      const { code, stdout, stderr } = await runInProcess(['--image', photoPath, '--prompt', prompt, '--out', out, '--data-dir', join(directory, 'data')]);
      if (code !== 0) {
        problems.push(`${label}: exit ${code}: ${stderr.join(' | ')}`);
        continue;
      }
      const applied = stderr.find((line) => line.startsWith('applied: '))?.slice('applied: '.length).split(', ') ?? [];
      if (!applied.includes(id)) problems.push(`${label}: ${stderr.join(' | ')}`);
      if (stderr.some((line) => line.includes('default enhancement'))) problems.push(`${label}: fell back: ${stderr.join(' | ')}`);
      if (!stderr.some((line) => /^seeds: \d+ /.test(line))) problems.push(`${label}: no seed printed: ${stderr.join(' | ')}`);
      if (stdout.length !== 1) {
        problems.push(`${label}: printed ${JSON.stringify(stdout)}`);
        continue;
      }
      const metadata = await sharp(stdout[0]).metadata();
      if (metadata.width !== inputWidth || metadata.height !== inputHeight) problems.push(`${label}: output ${metadata.width}×${metadata.height}`);
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it('prints each variation\'s seed, and --seed <seed> --n 1 reproduces that file (in-process)', async () => {
    const arguments_ = ['--image', photoPath, '--prompt', 'watercolor, brighter', '--data-dir', join(directory, 'data')];
    const first = await runInProcess([...arguments_, '--n', '2', '--out', join(directory, 'seeds-first')]);
    expect(first.code, first.stderr.join('\n')).toBe(0);
    expect(first.stderr).toContain('applied: watercolor, brighter');
    const seeds = /^seeds: (\d+), (\d+) /.exec(first.stderr.find((line) => line.startsWith('seeds: ')) ?? '')!.slice(1).map(Number);
    expect(seeds).toHaveLength(2);
    const again = await runInProcess([...arguments_, '--n', '1', '--seed', String(seeds[1]), '--out', join(directory, 'seeds-again')]);
    expect(again.code, again.stderr.join('\n')).toBe(0);
    const [original, reproduced] = await Promise.all([readFile(first.stdout[1]), readFile(again.stdout[0])]);
    expect(reproduced.equals(original)).toBe(true);
  });

  it('works as a spawned program with a Chinese prompt combining a style and an edit', async () => {
    const out = join(directory, 'spawned');
    const { stdout, stderr } = await runAtelierProgram(['image-to-image',
      '--image', photoPath, '--prompt', '改为油画风格，更加明亮', '--seed', '11', '--out', out, '--data-dir', join(directory, 'data')]);
    expect(stderr).toContain('applied: oil-painting, brighter');
    expect(stderr).toMatch(/^seeds: 11 /m);
    const printed = stdout.trim().split('\n');
    expect(printed).toHaveLength(1);
    expect((await sharp(printed[0]).metadata()).width).toBe(inputWidth);
  });
});
