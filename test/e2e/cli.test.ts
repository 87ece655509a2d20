import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAtelierProgram } from '../support/atelier-program.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-cli-'));
  await writeFile(join(directory, 'photo.png'), await makePhotoLikeImage(120, 80));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

function atelier(args: string[]) {
  return runAtelierProgram(args, { ATELIER_DATA_DIR: join(directory, 'data') });
}

describe('atelier CLI', () => {
  it('prints help for the program and for every command', async () => {
    const { stdout } = await atelier(['--help']);
    expect(stdout).toMatch(/Commands:/);
    const names = [...stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((match) => match[1]);
    expect(names).toEqual(expect.arrayContaining(['serve', 'image-to-image']));
    for (const name of names) {
      const help = await atelier([name, '--help']);
      expect(help.stdout, name).toContain(`atelier ${name}`);
      expect(help.stdout, name).toContain('--help');
    }
  });

  it('runs image-to-image in-process and prints the saved paths', async () => {
    const out = join(directory, 'results');
    const { stdout } = await atelier(['image-to-image', '--image', join(directory, 'photo.png'), '--prompt', 'Convert to sketch style', '--n', '2', '--out', out]);
    const printed = stdout.trim().split('\n');
    expect(printed).toHaveLength(2);
    expect((await readdir(out)).sort()).toEqual(printed.map((path) => path.split('/').pop()).sort());
    for (const path of printed) expect((await sharp(path).metadata()).width).toBe(120);
  });

  it('exits non-zero with the error message for bad input', async () => {
    const failure = await atelier(['image-to-image', '--image', join(directory, 'photo.png'), '--n', '9']).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/Expected an integer between 1 and 4 for n/);
    const unknown = await atelier(['paint']).catch((error: { code: number }) => error);
    expect(unknown).toMatchObject({ code: 2 });
  });
});
