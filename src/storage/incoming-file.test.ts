import { mkdtemp, open, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileStore } from './file-store.ts';

let dataDirectory: string;
let store: FileStore;
beforeEach(async () => {
  dataDirectory = await mkdtemp(join(tmpdir(), 'atelier-incoming-file-'));
  store = new FileStore(dataDirectory);
});
afterEach(async () => {
  await rm(dataDirectory, { recursive: true, force: true });
});

const openFds = async () => (await readdir('/proc/self/fd')).length;
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const pattern = (length: number, seed = 1) => Buffer.from(Array.from({ length }, (_, index) => (index * seed + (index >> 7)) & 0xff));

describe('IncomingFile', () => {
  it('keeps bytes in order when pieces arrive from microtasks while drains start and end', async () => {
    const bytes = pattern(200_000, 13);
    const incoming = store.beginIncoming();
    let start = 0;
    const next = (size: number) => {
      incoming.write(bytes.subarray(start, Math.min(bytes.length, start + size)));
      start = Math.min(bytes.length, start + size);
    };
    while (start < bytes.length) {
      next(777);
      await Promise.resolve();
      queueMicrotask(() => next(333));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const stored = await store.finishIncoming(incoming, bytes, sha(bytes), 'image/png');
    expect((await readFile(stored.path)).equals(bytes)).toBe(true);
  });

  it('closes every handle: discard during a write, twice, and after finishing; no incoming file left', async () => {
    const before = await openFds();
    for (let round = 0; round < 20; round++) {
      const a = store.beginIncoming();
      a.write(pattern(100_000, round + 1));
      const first = a.discard();
      const second = a.discard();
      await Promise.all([first, second]);

      const b = store.beginIncoming();
      const bytes = pattern(50_000, round + 3);
      b.write(bytes);
      const finished = store.finishIncoming(b, bytes, sha(bytes), 'image/png');
      const raced = b.discard(); // handleGenerationBody's finally may run while the background rename is pending
      await Promise.allSettled([finished, raced]);
      await b.discard();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await openFds()).toBeLessThanOrEqual(before);
    expect(await readdir(join(store.root, 'incoming'))).toEqual([]);
  });

  it('a rename over an old stored copy makes remove keep it (fresh mtime)', async () => {
    const bytes = pattern(10_000, 7);
    const old = await store.put(bytes, 'image/png');
    const longAgo = new Date('2020-01-01T00:00:00Z');
    await utimes(old.path, longAgo, longAgo);
    const incoming = store.beginIncoming();
    incoming.write(bytes);
    await store.finishIncoming(incoming, bytes, sha(bytes), 'image/png');
    expect(await store.remove(old.id, { modifiedBefore: Date.now() - 3_600_000 })).toBeUndefined();
    expect((await readFile(old.path)).equals(bytes)).toBe(true);
  });

  it('storeIncomingInBackground survives the request discarding the sink at once', async () => {
    const bytes = pattern(30_000, 5);
    const incoming = store.beginIncoming();
    incoming.write(bytes);
    const stored = store.storeIncomingInBackground(incoming, bytes, sha(bytes), 'image/png');
    await incoming.discard();
    await store.whenStored(stored.id);
    expect((await readFile(stored.path)).equals(bytes)).toBe(true);
  });
});

describe('IncomingFile: many pieces in one writev', () => {
  it('writes more pieces than IOV_MAX in one batch', async () => {
    const bytes = pattern(5000, 11);
    const incoming = store.beginIncoming();
    for (let index = 0; index < bytes.length; index++) incoming.write(bytes.subarray(index, index + 1));
    const stored = await store.finishIncoming(incoming, bytes, sha(bytes), 'image/png');
    expect((await readFile(stored.path)).equals(bytes)).toBe(true);
  });
});

describe('IncomingFile: a write that fails mid-stream', () => {
  it('refuses the file, closes it, removes it, and the background store falls back to put', async () => {
    const probe = await open(join(dataDirectory, 'probe'), 'w');
    const prototype = Object.getPrototypeOf(probe) as { writev: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    const real = prototype.writev;
    let calls = 0;
    const spy = vi.spyOn(prototype, 'writev').mockImplementation(function (this: unknown, ...args: unknown[]) {
      calls += 1;
      if (calls === 2) return Promise.reject(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }));
      return real.apply(this, args);
    });
    try {
      const before = await openFds();
      const bytes = pattern(60_000, 3);
      const incoming = store.beginIncoming();
      for (let start = 0; start < bytes.length; start += 10_000) {
        incoming.write(bytes.subarray(start, start + 10_000));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const stored = store.storeIncomingInBackground(incoming, bytes, sha(bytes), 'image/png');
      await store.whenStored(stored.id);
      expect(calls).toBeGreaterThanOrEqual(2);
      expect((await readFile(stored.path)).equals(bytes)).toBe(true);
      expect(await readdir(join(store.root, 'incoming'))).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await openFds()).toBeLessThanOrEqual(before);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('IncomingFile: the incoming directory cannot be made', () => {
  it('falls back to put, leaves no unhandled rejection, and retries the directory later', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(store.root, { recursive: true });
    await writeFile(join(store.root, 'incoming'), 'in the way');
    const bytes = pattern(20_000, 9);
    const incoming = store.beginIncoming();
    incoming.write(bytes);
    await expect(store.finishIncoming(incoming, bytes, sha(bytes), 'image/png')).rejects.toBeDefined();
    const again = store.beginIncoming();
    again.write(bytes);
    const stored = store.storeIncomingInBackground(again, bytes, sha(bytes), 'image/png');
    await store.whenStored(stored.id);
    expect((await readFile(stored.path)).equals(bytes)).toBe(true);
    await rm(join(store.root, 'incoming'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const third = store.beginIncoming();
    const other = pattern(1000, 21);
    third.write(other);
    const done = await store.finishIncoming(third, other, sha(other), 'image/png');
    expect((await readFile(done.path)).equals(other)).toBe(true);
  });
});

describe('IncomingFile: the incoming directory removed after first use', () => {
  it('makes the directory again instead of falling back to put from then on', async () => {
    const first = store.beginIncoming();
    const bytes = pattern(100, 2);
    first.write(bytes);
    await store.finishIncoming(first, bytes, sha(bytes), 'image/png');
    await rm(join(store.root, 'incoming'), { recursive: true });
    const second = store.beginIncoming();
    second.write(bytes);
    const stored = await store.finishIncoming(second, bytes, sha(bytes), 'image/png'); // would reject: ENOENT on open
    expect((await readFile(stored.path)).equals(bytes)).toBe(true);
  });
});
