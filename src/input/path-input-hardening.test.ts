/**
 * Security review of path inputs: names that try to leave the roots (`..`, /proc links, a symlink to a device),
 * and files that are not plain images of a sane size (a directory, a socket, a huge sparse file).
 */
import { createServer } from 'node:net';
import { mkdir, mkdtemp, open, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePhotoLikeImage } from '../../test/support/test-images.ts';
import { readPathInput, type PathPolicy } from './read-path-input.ts';

let root: string;
let outside: string;
const policy = (): PathPolicy => ({ roots: [root], rootsExplicit: true, serverHost: '127.0.0.1', maxBytes: 2 * 1024 * 1024, parameter: 'image' });
const codeOf = (path: string) => readPathInput(path, policy()).then(() => 'read', (error: unknown) => (error as { code?: string }).code);

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'atelier-path-review-')));
  outside = await realpath(await mkdtemp(join(tmpdir(), 'atelier-path-review-outside-')));
  await writeFile(join(outside, 'secret.png'), await makePhotoLikeImage(8, 8));
  await writeFile(join(root, 'photo.png'), await makePhotoLikeImage(8, 8));
  await mkdir(join(root, 'folder.png'));
  await symlink('/dev/zero', join(root, 'zero.png'));
  // 3 GB that take no disk: the size must be judged before a byte is read.
  const sparse = await open(join(root, 'huge.png'), 'w');
  await sparse.write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  await sparse.truncate(3 * 1024 ** 3);
  await sparse.close();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('path inputs stay inside the roots', () => {
  it('reads a plain image inside the roots (the control case)', async () => {
    expect(await codeOf(join(root, 'photo.png'))).toBe('read');
  });

  it('refuses .. out of the roots, also when the name passes through the roots first', async () => {
    expect(await codeOf(`${root}/../${outside.split('/').pop()}/secret.png`)).toBe('input_path_outside_roots');
    expect(await codeOf(`${root}/folder.png/../../${outside.split('/').pop()}/secret.png`)).toBe('input_path_outside_roots');
  });

  it('judges /proc links by where they lead', async () => {
    expect(await codeOf(`/proc/self/root${outside}/secret.png`)).toBe('input_path_outside_roots');
    expect(await codeOf(`/proc/self/root${root}/photo.png`)).toBe('read'); // the same file as inside the roots
    expect(await codeOf('/proc/self/fd/0')).toMatch(/^input_path_(outside_roots|not_found)$/);
    expect(await codeOf('/proc/self/environ')).toBe('input_path_outside_roots');
  });

  it('refuses a symlink to a device, a directory, and a socket', async () => {
    expect(await codeOf(join(root, 'zero.png'))).toBe('input_path_outside_roots');
    expect(await codeOf(join(root, 'folder.png'))).toBe('input_path_not_file');
    const socketPath = join(root, 'socket.png');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      expect(await codeOf(socketPath)).toMatch(/^input_path_(not_file|not_found)$/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a huge file by its size, without reading it', async () => {
    const started = Date.now();
    expect(await codeOf(join(root, 'huge.png'))).toBe('input_too_large');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
