/**
 * Hardening of the input module against inputs a hostile local user or URL could give: a FIFO in the roots, a
 * directory swapped for a symlink, a damaged BMP, IPv6 spellings of private IPv4 addresses. No network: local files,
 * a FIFO and pure classification only.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, open, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputSettings } from '../config/settings.ts';
import { classifyAddress } from './address-policy.ts';
import { loadImageInput, type InputContext } from './load-image-input.ts';
import { openedFileIsInsideRoots } from './opened-file-check.ts';

let directory: string;
const context = (overrides: Partial<InputSettings> = {}): InputContext => ({
  settings: {
    roots: [directory], rootsExplicit: true, allowPrivateUrls: false, maxBytes: 2 * 1024 * 1024, maxPixels: 4_000_000,
    urlTimeoutMilliseconds: 2000, maxRedirects: 5, ...overrides,
  },
  serverHost: '127.0.0.1',
});

/** The rejection of `promise` (undefined when it resolved). */
function failure(promise: Promise<unknown>): Promise<{ code?: string; status?: number; message: string } | undefined> {
  return promise.then(() => undefined, (error: unknown) => error as { code?: string; status?: number; message: string });
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-security-review-'));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('path inputs', () => {
  it('refuses a FIFO inside the roots at once instead of blocking a thread-pool thread in open()', async () => {
    // The default roots include tmpdir(), where any local user can create a FIFO.
    const fifo = join(directory, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    const pending = failure(loadImageInput(fifo, 'path', 'image', context()));
    try {
      const outcome = await Promise.race([pending, new Promise<'still blocked'>((resolve) => setTimeout(() => resolve('still blocked'), 1500))]);
      expect(outcome, 'loadImageInput on a FIFO must not wait for a writer').not.toBe('still blocked');
      expect(outcome === 'still blocked' ? undefined : outcome?.code).toBe('input_path_not_file');
    } finally {
      // Release the open() (a reader is waiting, so a non-blocking writer gets in) so the worker thread is freed.
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // nobody was waiting: the open already returned
      }
      await pending;
    }
  });
});

describe('path inputs whose directory is swapped for a symlink between the check and the open', () => {
  // inside/photo.png is a genuine file in the roots; swapped/ is a directory that now points outside them, as if it
  // had been replaced after realpath looked at it.
  let root: string;
  let outside: string;
  const openOutsideThroughSwappedDirectory = () => open(join(root, 'swapped', 'photo.png'), constants.O_RDONLY | constants.O_NOFOLLOW);
  const openInside = () => open(join(root, 'inside', 'photo.png'), constants.O_RDONLY | constants.O_NOFOLLOW);
  beforeAll(async () => {
    root = await realpath(directory);
    outside = await realpath(await mkdtemp(join(tmpdir(), 'atelier-security-review-outside-')));
    await mkdir(join(root, 'inside'));
    await writeFile(join(root, 'inside', 'photo.png'), 'inside');
    await writeFile(join(outside, 'photo.png'), 'outside');
    await symlink(outside, join(root, 'swapped'));
  });
  afterAll(() => rm(outside, { recursive: true, force: true }));

  it('refuses a path through a symlinked directory that points outside the roots', async () => {
    const outcome = await failure(loadImageInput(join(directory, 'swapped', 'photo.png'), 'path', 'image', context()));
    expect(outcome?.code).toBe('input_path_outside_roots');
  });

  it.skipIf(!existsSync('/proc/self/fd'))('refuses a handle the open led outside the roots, by the path of the descriptor', async () => {
    const handle = await openOutsideThroughSwappedDirectory();
    try {
      expect(await openedFileIsInsideRoots(handle, { checkedRealPath: join(root, 'swapped', 'photo.png'), realRoots: [root] })).toBe(false);
    } finally {
      await handle.close();
    }
  });

  it.skipIf(!existsSync('/proc/self/fd'))('accepts a handle opened inside the roots, by the path of the descriptor', async () => {
    const handle = await openInside();
    try {
      expect(await openedFileIsInsideRoots(handle, { checkedRealPath: join(root, 'inside', 'photo.png'), realRoots: [root] })).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it('without /proc, refuses a handle that is not the file at the checked path, and accepts one that is', async () => {
    const withoutProc = { realRoots: [root], descriptorDirectory: join(root, 'no-proc-here') };
    const outsideHandle = await openOutsideThroughSwappedDirectory();
    const insideHandle = await openInside();
    try {
      // The swap is still in place: a plain stat of the checked path would follow it to the same outside file.
      expect(await openedFileIsInsideRoots(outsideHandle, { ...withoutProc, checkedRealPath: join(root, 'swapped', 'photo.png') })).toBe(false);
      // The swap was undone before the check: the checked path names another file than the one opened.
      expect(await openedFileIsInsideRoots(outsideHandle, { ...withoutProc, checkedRealPath: join(root, 'inside', 'photo.png') })).toBe(false);
      expect(await openedFileIsInsideRoots(insideHandle, { ...withoutProc, checkedRealPath: join(root, 'inside', 'photo.png') })).toBe(true);
    } finally {
      await outsideHandle.close();
      await insideHandle.close();
    }
  });
});

describe('BMP inputs', () => {
  it('refuses a BI_BITFIELDS BMP whose masks lie past the end as input_image_corrupt (400), not an internal RangeError', async () => {
    const header = Buffer.alloc(54); // BITMAPINFOHEADER, no room for the three 32-bit masks that follow it
    header.write('BM', 0, 'ascii');
    header.writeUInt32LE(54, 10);
    header.writeUInt32LE(40, 14);
    header.writeInt32LE(1, 18);
    header.writeInt32LE(1, 22);
    header.writeUInt16LE(1, 26);
    header.writeUInt16LE(32, 28);
    header.writeUInt32LE(3, 30); // BI_BITFIELDS
    const error = await failure(loadImageInput(header.toString('base64'), 'base64', 'image', context()));
    expect(error?.code).toBe('input_image_corrupt');
    expect(error?.status).toBe(400);
  });
});

describe('address policy', () => {
  it('judges an IPv4-compatible IPv6 address by its IPv4 also when written in hex, the form URL hostnames take', () => {
    // new URL('http://[::127.0.0.1]/').hostname is '[::7f00:1]': the dotted spelling is never what reaches the guard.
    expect(new URL('http://[::169.254.169.254]/').hostname).toBe('[::a9fe:a9fe]');
    expect(classifyAddress('::127.0.0.1')).toBe('loopback');
    expect(classifyAddress('::7f00:1')).toBe('loopback');
    expect(classifyAddress('::169.254.169.254')).toBe('cloud-metadata');
    expect(classifyAddress('::a9fe:a9fe')).toBe('cloud-metadata');
    expect(classifyAddress('::ffff:0:10.0.0.1')).toBe(classifyAddress('10.0.0.1')); // IPv4-translated
    expect(classifyAddress('::ffff:0:7f00:1')).toBe('loopback');
    expect(classifyAddress('::1')).toBe('loopback'); // plain IPv6 loopback, not read as the IPv4 0.0.0.1
  });
});
