import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, writeAllAt, type FileStoreShard } from './file-store.ts';

let dataDirectory: string;
let store: FileStore;
beforeEach(async () => {
  dataDirectory = await mkdtemp(join(tmpdir(), 'atelier-file-store-'));
  store = new FileStore(dataDirectory);
});
afterEach(async () => {
  await rm(dataDirectory, { recursive: true, force: true });
});

const longAgo = new Date('2020-01-01T00:00:00.000Z');

async function age(path: string, when = longAgo): Promise<void> {
  await utimes(path, when, when);
}

async function scanAll(): Promise<FileStoreShard> {
  const all: FileStoreShard = { files: [], temporaries: [] };
  for await (const shard of store.scan()) {
    all.files.push(...shard.files);
    all.temporaries.push(...shard.temporaries);
  }
  return all;
}

describe('FileStore', () => {
  it('stores bytes under their hash and finds them again', async () => {
    const stored = await store.put(Buffer.from('hello'), 'image/png');
    expect(stored.id).toMatch(/^[0-9a-f]{64}\.png$/);
    expect((await store.read(stored.id)).toString()).toBe('hello');
    expect(await store.find('../../etc/passwd')).toBeUndefined();
  });

  it('names a file by the hash its caller computed already, without hashing again', async () => {
    const bytes = Buffer.from('hashed while the body arrived');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const stored = await store.put(bytes, 'image/jpeg', { sha256 });
    expect(stored.id).toBe(`${sha256}.jpg`);
    expect(stored.etag).toBe(`"${sha256}"`);
    expect((await store.read(stored.id)).equals(bytes)).toBe(true);
  });

  it('refreshes the modification time when the same bytes are stored again', async () => {
    const stored = await store.put(Buffer.from('same'), 'image/png');
    await age(stored.path);
    const before = Date.now();
    await store.put(Buffer.from('same'), 'image/png');
    expect((await stat(stored.path)).mtimeMs).toBeGreaterThanOrEqual(before - 1000);
  });

  it('lists stored files and temporaries one shard at a time, and nothing else', async () => {
    const first = await store.put(Buffer.from('one'), 'image/png');
    const second = await store.put(Buffer.from('two'), 'video/mp4');
    const shard = join(store.root, first.id.slice(0, 2));
    const partial = `${first.id}.0b5e3c4e-1f0a-4a7e-9a57-2d7e8f1c6a10.partial`;
    await writeFile(join(shard, partial), 'half');
    await writeFile(join(shard, 'notes.txt'), 'not ours');
    await writeFile(join(shard, `${'f'.repeat(64)}.png`), 'in the wrong shard');
    await mkdir(join(store.root, 'zz'));
    await writeFile(join(store.root, 'zz', first.id), 'not a shard');

    const all = await scanAll();
    expect(all.files.map((file) => file.id).sort()).toEqual([first.id, second.id].sort());
    expect(all.files.find((file) => file.id === first.id)).toMatchObject({ size: 3, modifiedAt: expect.any(Number) });
    expect(all.temporaries).toEqual([{ name: partial, size: 4, modifiedAt: expect.any(Number) }]);
  });

  it('lists an empty store before anything was stored', async () => {
    expect(await scanAll()).toEqual({ files: [], temporaries: [] });
  });

  it('removes a file only when it was not stored since the given time', async () => {
    const stored = await store.put(Buffer.from('old result'), 'image/png');
    expect(await store.remove(stored.id, { modifiedBefore: Date.now() - 60_000 })).toBeUndefined();
    expect(await store.find(stored.id)).toBeDefined();

    await age(stored.path);
    expect(await store.remove(stored.id, { modifiedBefore: Date.now() - 60_000 })).toBe(10);
    expect(await store.find(stored.id)).toBeUndefined();
    expect(await store.remove(stored.id, { modifiedBefore: Date.now() })).toBeUndefined();
    // Nothing is left behind in the shard.
    expect(await readdir(join(store.root, stored.id.slice(0, 2)))).toEqual([]);
  });

  it('never removes by anything but a valid id', async () => {
    await writeFile(join(dataDirectory, 'precious.png'), 'keep');
    await age(join(dataDirectory, 'precious.png'));
    for (const id of ['../precious.png', '../../precious.png', `${'a'.repeat(64)}.png/../../../precious.png`, '']) {
      expect(await store.remove(id, { modifiedBefore: Date.now() })).toBeUndefined();
      expect(await store.removeTemporary(id, { modifiedBefore: Date.now() })).toBeUndefined();
    }
    expect((await stat(join(dataDirectory, 'precious.png'))).isFile()).toBe(true);
  });

  it('orders removal and storing of the same bytes, so a put always leaves the file in place', async () => {
    const bytes = Buffer.from('input image');
    const stored = await store.put(bytes, 'image/png');
    const cutoff = Date.now() - 60_000;
    await age(stored.path);
    // Removal first: the file goes, and the put that follows writes it again.
    const [freed, again] = await Promise.all([store.remove(stored.id, { modifiedBefore: cutoff }), store.put(bytes, 'image/png')]);
    expect(freed).toBe(bytes.byteLength);
    expect((await store.read(again.id)).equals(bytes)).toBe(true);
    // Put first: it refreshes the old file, so the removal that follows keeps it.
    await age(stored.path);
    const [, keptByPut] = await Promise.all([store.put(bytes, 'image/png'), store.remove(stored.id, { modifiedBefore: cutoff })]);
    expect(keptByPut).toBeUndefined();
    expect(await store.find(stored.id)).toBeDefined();
  });

  it('removes temporaries older than the given time', async () => {
    const stored = await store.put(Buffer.from('x'), 'image/png');
    const shard = join(store.root, stored.id.slice(0, 2));
    const stale = `${stored.id}.0b5e3c4e-1f0a-4a7e-9a57-2d7e8f1c6a10.partial`;
    const fresh = `${stored.id}.1c6f4d5f-2a1b-4b8f-8b68-3e8f9a2d7b21.deleting`;
    await writeFile(join(shard, stale), 'abc');
    await writeFile(join(shard, fresh), 'abcd');
    await age(join(shard, stale));
    expect(await store.removeTemporary(stale, { modifiedBefore: Date.now() - 60_000 })).toBe(3);
    expect(await store.removeTemporary(fresh, { modifiedBefore: Date.now() - 60_000 })).toBeUndefined();
    expect((await readdir(shard)).sort()).toEqual([stored.id, fresh].sort());
  });

  it('stores a file written while its bytes arrived under its hash, in pieces and in order', async () => {
    const bytes = Buffer.from(Array.from({ length: 100_000 }, (_, index) => (index * 7) & 0xff));
    const incoming = store.beginIncoming();
    for (let start = 0; start < bytes.length; start += 4096) incoming.write(bytes.subarray(start, start + 4096));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const stored = await store.finishIncoming(incoming, bytes, sha256, 'image/png', { handOff: true });
    expect(stored.id).toBe(`${sha256}.png`);
    expect((await readFile(stored.path)).equals(bytes)).toBe(true);
    expect(await readdir(join(store.root, 'incoming'))).toEqual([]);
    // The same bytes again: the stored file stays, the second incoming file goes.
    const again = store.beginIncoming();
    again.write(bytes);
    expect((await store.finishIncoming(again, bytes, sha256, 'image/png')).id).toBe(stored.id);
    expect(await readdir(join(store.root, 'incoming'))).toEqual([]);
  });

  it('keeps the order of pieces that arrive while a write is running, however they batch', async () => {
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, index) => (index * 31 + (index >> 8)) & 0xff));
    const incoming = store.beginIncoming();
    for (let start = 0, piece = 1; start < bytes.length; start += piece, piece = (piece * 7 + 3) % 5000 + 1) {
      incoming.write(bytes.subarray(start, start + piece));
      if (piece % 3 === 0) await new Promise((resolve) => setImmediate(resolve)); // let a write start mid-stream
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const stored = await store.finishIncoming(incoming, bytes, sha256, 'image/png');
    expect((await readFile(stored.path)).equals(bytes)).toBe(true);
  });

  it('finishes a batch the kernel wrote only in part', async () => {
    const written: Buffer[] = [];
    const stingy = {
      // At most 5 bytes per call, like a short write; records what landed where.
      async writev(pieces: readonly NodeJS.ArrayBufferView[], position?: number | null) {
        const wanted = Buffer.concat(pieces.map((piece) => Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength)));
        expect(position).toBe(written.reduce((total, piece) => total + piece.length, 0));
        written.push(wanted.subarray(0, 5));
        return { bytesWritten: Math.min(5, wanted.length), buffers: [...pieces] };
      },
    };
    await writeAllAt(stingy as unknown as Parameters<typeof writeAllAt>[0], [Buffer.from('abc'), Buffer.from('defghij'), Buffer.from('kl')], 0);
    expect(Buffer.concat(written).toString()).toBe('abcdefghijkl');
    const stuck = { writev: async () => ({ bytesWritten: 0, buffers: [] }) };
    await expect(writeAllAt(stuck as unknown as Parameters<typeof writeAllAt>[0], [Buffer.from('abc')], 0)).rejects.toThrow(/wrote nothing/);
  });

  it('refuses to store an incoming file that holds other than the expected bytes, and discards what is not stored', async () => {
    const short = store.beginIncoming();
    short.write(Buffer.from('abc'));
    await expect(store.finishIncoming(short, Buffer.from('abcd'), 'a'.repeat(64), 'image/png')).rejects.toThrow(/holds 3 bytes, expected 4/);
    expect(await store.find(`${'a'.repeat(64)}.png`)).toBeUndefined();
    const dropped = store.beginIncoming();
    dropped.write(Buffer.from('never stored'));
    await dropped.discard();
    expect(await readdir(join(store.root, 'incoming'))).toEqual([]);
  });

  it('lists incoming files a dead process left behind as temporaries, and removes them when old', async () => {
    const left = store.beginIncoming();
    left.write(Buffer.from('half a file'));
    await left.close(11);
    await age(left.path);
    const { temporaries } = await scanAll();
    const name = `incoming/${left.path.split('/').pop()}`;
    expect(temporaries.map((temporary) => temporary.name)).toEqual([name]);
    expect(await store.removeTemporary('incoming/../../escape.partial', { modifiedBefore: Date.now() })).toBeUndefined();
    expect(await store.removeTemporary(name, { modifiedBefore: Date.now() })).toBe(11);
    expect(await readdir(join(store.root, 'incoming'))).toEqual([]);
  });

  it('stores an incoming file in the background: the id at once, the bytes handed off, whenStored once on disk', async () => {
    const bytes = Buffer.from(Array.from({ length: 50_000 }, (_, index) => (index * 13) & 0xff));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const incoming = store.beginIncoming();
    incoming.write(bytes);
    const stored = store.storeIncomingInBackground(incoming, bytes, sha256, 'image/png');
    expect(stored.id).toBe(`${sha256}.png`);
    expect(await store.read(stored.id)).toBe(bytes); // the hand-off, before the disk
    await store.whenStored(stored.id);
    expect((await readFile(stored.path)).equals(bytes)).toBe(true);
    expect(await readdir(join(store.root, 'incoming'))).toEqual([]);
  });

  it('still stores the bytes when the incoming file was lost, and reads wait for the background store', async () => {
    const bytes = Buffer.from('the incoming file of these bytes was deleted under us');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const incoming = store.beginIncoming();
    incoming.write(bytes);
    await incoming.discard();
    const stored = store.storeIncomingInBackground(incoming, bytes, sha256, 'image/png');
    store.read(stored.id); // takes the hand-off
    expect((await store.read(stored.id)).equals(bytes)).toBe(true); // from disk, after waiting
    expect((await store.find(stored.id))?.size).toBe(bytes.length);
  });

  it('remembers a background store that failed, until the bytes are stored after all', async () => {
    const bytes = Buffer.from('a disk that refuses the write');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // A file where the shard directory should be: neither the rename nor the fallback write can succeed.
    await mkdir(store.root, { recursive: true });
    await writeFile(join(store.root, sha256.slice(0, 2)), 'in the way');
    const incoming = store.beginIncoming();
    incoming.write(bytes);
    const stored = store.storeIncomingInBackground(incoming, bytes, sha256, 'image/png');
    await expect(store.whenStored(stored.id)).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(store.whenStored(stored.id)).rejects.toThrow(); // still: nothing may go ahead without the file
    await rm(join(store.root, sha256.slice(0, 2)));
    await store.put(bytes, 'image/png');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(store.whenStored(stored.id)).resolves.toBeUndefined();
  });
});
