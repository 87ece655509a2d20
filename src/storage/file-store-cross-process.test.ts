import * as fs from 'node:fs/promises';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileStore } from './file-store.ts';

// `rename` is wrapped so a test can act as another Atelier process at the one moment that matters: between the
// removal's check of the file's time and its rename.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, rename: vi.fn(actual.rename) };
});

const actualRename = (await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises')).rename;
let dataDirectory: string;
beforeEach(async () => {
  dataDirectory = await mkdtemp(join(tmpdir(), 'atelier-file-store-processes-'));
});
afterEach(async () => {
  vi.mocked(fs.rename).mockReset().mockImplementation(actualRename);
  await rm(dataDirectory, { recursive: true, force: true });
});

const longAgo = new Date('2020-01-01T00:00:00.000Z');

/** Two stores on one data directory: what two Atelier processes see. */
async function twoProcesses(bytes: Buffer) {
  const remover = new FileStore(dataDirectory);
  const other = new FileStore(dataDirectory);
  const stored = await remover.put(bytes, 'image/png');
  await utimes(stored.path, longAgo, longAgo);
  return { remover, other, stored };
}

describe('FileStore removal against another process storing the same bytes', () => {
  it('keeps the file when the other process stored it again just before the rename', async () => {
    const bytes = Buffer.from('stored again by another process');
    const { remover, other, stored } = await twoProcesses(bytes);
    vi.mocked(fs.rename).mockImplementationOnce(async (from, to) => {
      await other.put(bytes, 'image/png'); // refreshes the file's time: it is in use again
      return actualRename(from, to);
    });
    expect(await remover.remove(stored.id, { modifiedBefore: Date.now() - 60_000 })).toBeUndefined();
    expect((await fs.readFile(stored.path)).equals(bytes)).toBe(true);
  });

  it('leaves the file the other process wrote again just after the rename', async () => {
    const bytes = Buffer.from('written again after the rename');
    const { remover, other, stored } = await twoProcesses(bytes);
    vi.mocked(fs.rename).mockImplementationOnce(async (from, to) => {
      await actualRename(from, to);
      await other.put(bytes, 'image/png'); // finds no file, so it writes one
    });
    expect(await remover.remove(stored.id, { modifiedBefore: Date.now() - 60_000 })).toBe(bytes.length);
    expect((await fs.readFile(stored.path)).equals(bytes)).toBe(true);
    expect((await fs.readdir(join(remover.root, stored.id.slice(0, 2)))).filter((name) => name !== stored.id)).toEqual([]);
  });
});
