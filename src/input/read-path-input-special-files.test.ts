/**
 * Review of how readPathInput opens a file: something that is not a regular file (a FIFO, a character device) is
 * refused before it is opened at all, because opening can block or have side effects (a terminal becomes the
 * controlling one, some devices act on open); and the open that does happen cannot block or take a terminal.
 */
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { makePhotoLikeImage } from '../../test/support/test-images.ts';
import { readPathInput, type PathPolicy } from './read-path-input.ts';

/** Every open() readPathInput makes: the path and the flags. */
const opened: { path: string; flags: number }[] = [];

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const recordingOpen = ((path: string, flags: number, mode?: number) => {
    opened.push({ path: String(path), flags });
    return actual.open(path, flags, mode);
  }) as typeof actual.open;
  return { ...actual, open: recordingOpen };
});

let root: string;
const policy = (roots: string[]): PathPolicy => ({
  roots, rootsExplicit: true, serverHost: '127.0.0.1', maxBytes: 2 * 1024 * 1024, parameter: 'image',
});
const codeOf = (path: string, roots = [root]) =>
  readPathInput(path, policy(roots)).then(() => 'read', (error: unknown) => (error as { code?: string }).code);

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'atelier-path-open-review-')));
  await writeFile(join(root, 'photo.png'), await makePhotoLikeImage(8, 8));
  execFileSync('mkfifo', [join(root, 'pipe.png')]);
});
afterAll(() => rm(root, { recursive: true, force: true }));
beforeEach(() => {
  opened.length = 0;
});

describe('readPathInput opens only regular files, and safely', () => {
  it('refuses a FIFO inside the roots promptly, without opening it', async () => {
    const started = Date.now();
    expect(await codeOf(join(root, 'pipe.png'))).toBe('input_path_not_file');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(opened.map((call) => call.path)).toEqual([]);
  });

  it('refuses a character device inside the roots without opening it', async () => {
    expect(await codeOf('/dev/null', ['/dev'])).toBe('input_path_not_file');
    expect(opened.map((call) => call.path)).toEqual([]);
  });

  it('opens a regular file non-blocking, without following a final symlink and without taking a terminal', async () => {
    expect(await codeOf(join(root, 'photo.png'))).toBe('read');
    expect(opened).toHaveLength(1);
    const { flags } = opened[0];
    for (const [name, flag] of Object.entries({ O_NONBLOCK: constants.O_NONBLOCK, O_NOCTTY: constants.O_NOCTTY, O_NOFOLLOW: constants.O_NOFOLLOW })) {
      expect(flags & flag, `${name} is set`).toBe(flag);
    }
  });
});
