/**
 * The race between the roots check and the open in readPathInput, made deterministic: realpath is stubbed to report a
 * directory as the genuine one it was when checked, while on disk it is already a symlink to a place outside the roots.
 */
import { mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makePhotoLikeImage } from '../../test/support/test-images.ts';
import { readPathInput, type PathPolicy } from './read-path-input.ts';

const swappedDirectory = 'swapped-after-check';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const realpathAsChecked = (path: string) => (path.includes(`${sep}${swappedDirectory}${sep}`) ? Promise.resolve(path) : actual.realpath(path));
  return { ...actual, realpath: realpathAsChecked };
});

let root: string;
let outside: string;
const policy = (): PathPolicy => ({ roots: [root], rootsExplicit: true, serverHost: '127.0.0.1', maxBytes: 2 * 1024 * 1024, parameter: 'image' });

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'atelier-path-race-')));
  outside = await realpath(await mkdtemp(join(tmpdir(), 'atelier-path-race-outside-')));
  await writeFile(join(outside, 'secret.png'), await makePhotoLikeImage(8, 8));
  await symlink(outside, join(root, swappedDirectory));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('readPathInput', () => {
  it('refuses a file the open reached outside the roots through a directory swapped for a symlink after the check', async () => {
    const outcome = await readPathInput(join(root, swappedDirectory, 'secret.png'), policy()).then(
      () => 'read the file outside the roots',
      (error: unknown) => (error as { code?: string }).code,
    );
    expect(outcome).toBe('input_path_outside_roots');
  });
});
