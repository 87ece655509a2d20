import { createHash, randomUUID } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, rename, rm, stat, utimes, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { extensionForMediaType, mediaTypeForExtension } from './media-types.ts';
import { RecentInputHandoff } from './recent-input-handoff.ts';

/** A file in the store. `id` is `<sha-256 hex>.<extension>`: the same bytes always get the same id. */
export interface StoredFile {
  id: string;
  path: string;
  mediaType: string;
  size: number;
  /** Strong ETag value (the SHA-256), quoted as HTTP wants it. */
  etag: string;
}

/** A stored file as the retention sweep sees it. */
export interface StoredFileInfo {
  id: string;
  size: number;
  /** Epoch ms of the last `put` of these bytes (a `put` of bytes already stored refreshes it). */
  modifiedAt: number;
}

/** A temporary file that a write or a removal left behind (the process died half-way). */
export interface TemporaryFileInfo {
  name: string;
  size: number;
  modifiedAt: number;
}

/** The files of one shard directory (`files/<first two hex digits>/`), the unit `scan` yields. */
export interface FileStoreShard {
  files: StoredFileInfo[];
  temporaries: TemporaryFileInfo[];
}

const idPattern = /^([0-9a-f]{64})\.([a-z0-9]{2,5})$/;
const shardPattern = /^[0-9a-f]{2}$/;
/** `<id>.<uuid>.partial` (a `put` in progress) or `<id>.<uuid>.deleting` (a `remove` in progress). */
const temporaryPattern = /^([0-9a-f]{64})\.[a-z0-9]{2,5}\.[0-9a-f-]{36}\.(partial|deleting)$/;
/** Files written while a request body arrives, before their hash (and so their id) is known. */
const incomingDirectory = 'incoming';
const incomingPattern = /^incoming\/[0-9a-f-]{36}\.partial$/;

/**
 * Content-addressed storage for inputs and results under `<data-dir>/files`. Each file is written once (to a temp
 * name, then renamed, so a reader never sees half a file) and never changes, which is what makes ids stable URLs
 * and ETags exact. Only the retention sweep removes files, through `remove` and `removeTemporary`, which take ids
 * and names checked against the store's own patterns, never paths.
 */
export class FileStore {
  readonly root: string;
  /** Per-id chain of `put`/`remove` calls, so that a removal never interleaves with a `put` of the same bytes. */
  private readonly busy = new Map<string, Promise<void>>();
  /** Inputs stored with `handOff`, kept briefly for the first `read` (see `RecentInputHandoff`). */
  private readonly handoff: RecentInputHandoff;
  /** Files being stored in the background (`storeIncomingInBackground`), by id, until they are on disk. */
  private readonly storing = new Map<string, Promise<void>>();
  /** The `incoming/` directory, created by the first `beginIncoming` (and again if it failed). */
  private incomingDirectoryReady?: Promise<void>;

  constructor(dataDirectory: string, options: { handoff?: RecentInputHandoff } = {}) {
    this.root = join(dataDirectory, 'files');
    this.handoff = options.handoff ?? new RecentInputHandoff();
  }

  /**
   * Stores bytes (or finds them already stored). Storing bytes that exist refreshes their modification time: the
   * retention sweep keeps files modified within the retention period, so a caller that is about to reference an
   * old file (a new task with the same input image) is safe until its task row is written.
   *
   * @param options.handOff keep the bytes in memory briefly, once written, for the first `read` of this id: a task
   *   input that is about to be read back by the task that runs right away (the file on disk stays the truth)
   * @param options.sha256 the bytes' hex SHA-256 when the caller computed it already (while the request body
   *   arrived); it names the file, so it must be the hash of exactly these bytes
   */
  async put(bytes: Uint8Array, mediaType: string, options: { handOff?: boolean; sha256?: string } = {}): Promise<StoredFile> {
    const hash = options.sha256 ?? createHash('sha256').update(bytes).digest('hex');
    const id = `${hash}.${extensionForMediaType(mediaType)}`;
    const path = this.pathFor(hash, id);
    // In the per-id chain, so a removal never interleaves.
    await this.exclusive(id, async () => {
      const existing = await stat(path).catch(() => undefined);
      if (existing?.isFile() && existing.size === bytes.byteLength && (await touch(path))) return;
      await mkdir(join(this.root, hash.slice(0, 2)), { recursive: true });
      const temporary = `${path}.${randomUUID()}.partial`;
      try {
        await writeWhole(temporary, bytes);
        await rename(temporary, path);
      } finally {
        await rm(temporary, { force: true });
      }
    });
    if (options.handOff) this.handoff.offer(id, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.forgetFailedStore(id);
    return { id, path, mediaType, size: bytes.byteLength, etag: `"${hash}"` };
  }

  /**
   * Starts writing a file whose bytes are still arriving (an image decoded from a request body), so that the disk
   * write overlaps the upload instead of following it. `finishIncoming` stores it under its hash once known;
   * `IncomingFile.discard` drops it. A process that dies half-way leaves a temporary the retention sweep removes.
   */
  beginIncoming(): IncomingFile {
    const directory = join(this.root, incomingDirectory);
    // Once per store, not once per file: under load every thread-pool round trip costs milliseconds, and the body's
    // first bytes wait for the file to open.
    const ready = this.incomingDirectoryReady ??= mkdir(directory, { recursive: true }).then(() => undefined);
    ready.catch(() => (this.incomingDirectoryReady = undefined));
    return new IncomingFile(join(directory, `${randomUUID()}.partial`), ready);
  }

  /**
   * Stores a complete incoming file under its content address, as `put` would have stored `bytes`.
   *
   * @param bytes the file's content (everything given to `IncomingFile.write`), for the hand-off and the size
   * @param sha256 hex SHA-256 of `bytes`
   * @throws when the incoming file could not be written (the caller then stores `bytes` with `put`)
   */
  async finishIncoming(incoming: IncomingFile, bytes: Buffer, sha256: string, mediaType: string, options: { handOff?: boolean } = {}): Promise<StoredFile> {
    const id = `${sha256}.${extensionForMediaType(mediaType)}`;
    const path = this.pathFor(sha256, id);
    try {
      await incoming.finishWriting(bytes.byteLength);
      // Renamed over a file with the same id, if there is one: the same bytes, with a fresh time, as `put`'s touch
      // gives (a removal in another process sees the fresh time, see `remove`). A rename alone, where stat, mkdir,
      // rename, close and rm used to follow each other: each is a thread-pool round trip that can wait tens of
      // milliseconds behind the journal while earlier inputs are flushed, and a billable upload waits for this.
      await this.exclusive(id, () => renameIntoShard(incoming.path, path));
    } catch (error) {
      await incoming.discard();
      throw error;
    }
    // The handle is closed after the rename, off the path of whoever waits for the file (the name is gone already,
    // so nothing is removed).
    void incoming.discard().catch(() => undefined);
    if (options.handOff) this.handoff.offer(id, bytes);
    return { id, path, mediaType, size: bytes.byteLength, etag: `"${sha256}"` };
  }

  /**
   * Like `finishIncoming`, but returns at once: the id is known from the hash, the bytes are handed off for the first
   * `read`, and the rename (or, if the incoming file failed, an ordinary write of `bytes`) goes on in the background
   * until `whenStored(id)` settles. For a task input whose upload to a provider can overlap its disk write; whoever
   * depends on the file being on disk — a billable submission, an answer that promises the task is durable — waits
   * for `whenStored` first.
   */
  storeIncomingInBackground(incoming: IncomingFile, bytes: Buffer, sha256: string, mediaType: string): StoredFile {
    const id = `${sha256}.${extensionForMediaType(mediaType)}`;
    const stored = this.finishIncoming(incoming, bytes, sha256, mediaType)
      .catch(() => this.put(bytes, mediaType, { sha256 }))
      .then(() => undefined);
    // Forgotten once on disk; a failure stays, so that nothing waiting for this file later goes ahead without it
    // (a `put` of the same bytes that succeeds clears it).
    const tracked = stored.then(() => {
      if (this.storing.get(id) === tracked) this.storing.delete(id);
    });
    // Observed here so a failure nobody waits for is not an unhandled rejection; waiters still see it.
    tracked.catch(() => undefined);
    this.storing.set(id, tracked);
    this.handoff.offer(id, bytes);
    return { id, path: this.pathFor(sha256, id), mediaType, size: bytes.byteLength, etag: `"${sha256}"` };
  }

  /**
   * Settles when the file `id` is on disk: at once unless it is being stored in the background; rejects if that
   * failed. (The store's own reads wait through `storedOnDisk`, so a test may replace this to hold a caller back.)
   */
  whenStored(id: string): Promise<void> {
    return this.storedOnDisk(id);
  }

  /** Looks a file up by id; undefined for unknown or malformed ids (never touches paths outside the store). */
  async find(id: string): Promise<StoredFile | undefined> {
    await this.storedOnDisk(id).catch(() => undefined);
    const match = idPattern.exec(id);
    if (!match) return undefined;
    const mediaType = mediaTypeForExtension(match[2]);
    if (!mediaType) return undefined;
    const path = this.pathFor(match[1], id);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { id, path, mediaType, size: info.size, etag: `"${match[1]}"` };
  }

  /** The file's bytes: those handed off by `put` if this is their first read, else read from disk. */
  async read(id: string): Promise<Buffer> {
    const handedOff = this.handoff.claim(id);
    if (handedOff) return handedOff;
    await this.storedOnDisk(id);
    const file = await this.find(id);
    if (!file) throw new Error(`stored file ${id} is missing`);
    return readFile(file.path);
  }

  /**
   * Lists the store one shard directory at a time (at most 256 batches), so a caller can pause between batches.
   * Names that are neither stored files nor the store's temporaries are not reported (and so never removed).
   */
  async *scan(): AsyncGenerator<FileStoreShard> {
    const incoming: FileStoreShard = { files: [], temporaries: [] };
    for (const name of await readdir(join(this.root, incomingDirectory)).catch(() => [] as string[])) {
      if (!incomingPattern.test(`${incomingDirectory}/${name}`)) continue;
      const info = await lstat(join(this.root, incomingDirectory, name)).catch(() => undefined);
      if (info?.isFile()) incoming.temporaries.push({ name: `${incomingDirectory}/${name}`, size: info.size, modifiedAt: info.mtimeMs });
    }
    if (incoming.temporaries.length > 0) yield incoming;
    const shards = await readdir(this.root).catch(() => [] as string[]);
    for (const shard of shards.filter((name) => shardPattern.test(name)).sort()) {
      const names = await readdir(join(this.root, shard)).catch(() => [] as string[]);
      const batch: FileStoreShard = { files: [], temporaries: [] };
      for (const name of names) {
        const kind = idPattern.exec(name) ? 'file' : temporaryPattern.exec(name) ? 'temporary' : undefined;
        if (!kind || !name.startsWith(shard)) continue;
        const info = await lstat(join(this.root, shard, name)).catch(() => undefined);
        if (!info?.isFile()) continue;
        if (kind === 'file') batch.files.push({ id: name, size: info.size, modifiedAt: info.mtimeMs });
        else batch.temporaries.push({ name, size: info.size, modifiedAt: info.mtimeMs });
      }
      yield batch;
    }
  }

  /**
   * Removes a stored file unless it was modified (stored again) at or after `modifiedBefore`, re-checked at the
   * moment of removal.
   *
   * @param modifiedBefore epoch ms
   * @returns the bytes freed, or undefined when nothing was removed (unknown or malformed id, or a recent file)
   */
  async remove(id: string, options: { modifiedBefore: number }): Promise<number | undefined> {
    const match = idPattern.exec(id);
    if (!match) return undefined;
    const path = this.pathFor(match[1], id);
    return this.exclusive(id, async () => {
      const info = await lstat(path).catch(() => undefined);
      if (!info?.isFile() || info.mtimeMs >= options.modifiedBefore) return undefined;
      this.handoff.drop(id);
      // Another Atelier process on this data directory may store the same bytes between the check above and the
      // unlink (the per-id chain only orders this process). Renaming first makes the check exact: a `put` that touched
      // the file before the rename shows in the renamed file's time (and it is put back); one after it finds no
      // file and writes it again.
      const doomed = `${path}.${randomUUID()}.deleting`;
      if (!(await rename(path, doomed).then(() => true, () => false))) return undefined;
      const moved = await lstat(doomed).catch(() => undefined);
      if (!moved) return undefined;
      if (moved.mtimeMs >= options.modifiedBefore) {
        await rename(doomed, path);
        return undefined;
      }
      await rm(doomed, { force: true });
      return moved.size;
    });
  }

  /**
   * Removes a temporary file reported by `scan` when it is older than `modifiedBefore` (a write in progress is
   * never that old).
   *
   * @returns the bytes freed, or undefined when nothing was removed
   */
  async removeTemporary(name: string, options: { modifiedBefore: number }): Promise<number | undefined> {
    const match = temporaryPattern.exec(name);
    if (!match && !incomingPattern.test(name)) return undefined;
    const path = match ? join(this.root, match[1].slice(0, 2), name) : join(this.root, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isFile() || info.mtimeMs >= options.modifiedBefore) return undefined;
    await rm(path, { force: true });
    return info.size;
  }

  /** A background store of `id` that failed is forgotten once the bytes are on disk after all. */
  private forgetFailedStore(id: string): void {
    const entry = this.storing.get(id);
    if (entry) entry.catch(() => this.storing.get(id) === entry && this.storing.delete(id));
  }

  private storedOnDisk(id: string): Promise<void> {
    return this.storing.get(id) ?? Promise.resolve();
  }

  private pathFor(hash: string, id: string): string {
    return join(this.root, hash.slice(0, 2), id);
  }

  /** Runs `work` after every earlier `put`/`remove` of the same id has settled. */
  private async exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.busy.get(id) ?? Promise.resolve();
    const current = previous.then(work);
    const settled = current.then(() => undefined, () => undefined);
    this.busy.set(id, settled);
    try {
      return await current;
    } finally {
      if (this.busy.get(id) === settled) this.busy.delete(id);
    }
  }
}

/**
 * A file being written piece by piece while its bytes arrive (`FileStore.beginIncoming`). The writer never waits:
 * pieces are queued, and one write at a time takes everything queued so far in a single `writev` on the thread
 * pool. One write per piece (~170 for an 8 MB image in 48 KB pieces) fell behind a busy event loop, each waiting
 * for its own turn: the last one landed ~55 ms after the body had arrived, and the upload waited for it.
 */
export class IncomingFile {
  readonly path: string;
  private readonly opened: Promise<FileHandle | undefined>;
  /** Pieces not yet handed to a write, in order. */
  private queued: Buffer[] = [];
  /** Bytes given to `write` so far. */
  private accepted = 0;
  /** Bytes handed to writes so far: the file offset of `queued[0]`. */
  private flushed = 0;
  /** The running write loop, if any. */
  private draining: Promise<void> | undefined;
  private failure: unknown;
  private closed = false;
  private released = false;

  /** @param directoryReady settles once the file's directory exists */
  constructor(path: string, directoryReady: Promise<void>) {
    this.path = path;
    this.opened = directoryReady.then(() => openCreatingDirectory(this.path)).catch((error: unknown) => {
      this.failure = error;
      return undefined;
    });
  }

  /** Appends `bytes` (which must not change until the file is closed). */
  write(bytes: Buffer): void {
    if (this.closed || bytes.byteLength === 0) return;
    this.queued.push(bytes);
    this.accepted += bytes.byteLength;
    this.draining ??= this.drain();
  }

  /**
   * Takes no more writes and waits for the queued ones; the file stays open (rename it, then `discard` closes it).
   * Throws when any write failed or the length is not `expectedBytes`.
   */
  async finishWriting(expectedBytes: number): Promise<void> {
    await this.stopWriting();
    if (this.failure) throw this.failure;
    if (this.accepted !== expectedBytes) throw new Error(`incoming file holds ${this.accepted} bytes, expected ${expectedBytes}`);
  }

  /** `finishWriting`, then closes the file, leaving it where it is. */
  async close(expectedBytes: number): Promise<void> {
    try {
      await this.finishWriting(expectedBytes);
    } finally {
      await this.release();
    }
  }

  /** Closes and drops the file (once it was stored under another name, only closes it). */
  async discard(): Promise<void> {
    await this.stopWriting();
    await this.release().catch(() => undefined);
    await rm(this.path, { force: true });
  }

  /** Closes the handle, once. */
  private async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await (await this.opened)?.close();
  }

  /**
   * Writes what is queued, batch after batch, until nothing is; after a failure the rest is dropped. Never rejects.
   * `draining` is cleared in the same step that finds the queue empty, so a piece queued after it starts a new loop.
   */
  private async drain(): Promise<void> {
    try {
      const handle = await this.opened;
      while (this.queued.length > 0) {
        const batch = this.queued;
        this.queued = [];
        const position = this.flushed;
        this.flushed += batch.reduce((total, piece) => total + piece.byteLength, 0);
        if (!handle || this.failure) continue;
        try {
          await writeAllAt(handle, batch, position);
        } catch (error) {
          this.failure = error;
        }
      }
    } finally {
      this.draining = undefined;
    }
  }

  /** Takes no more writes; settles once the queued ones are done. */
  private async stopWriting(): Promise<void> {
    this.closed = true;
    await this.draining;
  }
}

/** Writes `pieces` at `position`, however many `writev` calls the kernel needs (it may take fewer bytes than asked). */
export async function writeAllAt(handle: Pick<FileHandle, 'writev'>, pieces: Buffer[], position: number): Promise<void> {
  let remaining = pieces;
  let offset = position;
  while (remaining.length > 0) {
    const { bytesWritten } = await handle.writev(remaining, offset);
    if (bytesWritten <= 0) throw new Error(`writev wrote nothing at offset ${offset}`); // never loop without progress
    offset += bytesWritten;
    remaining = afterBytes(remaining, bytesWritten);
  }
}

/** `pieces` without their first `count` bytes. */
function afterBytes(pieces: Buffer[], count: number): Buffer[] {
  let skipped = count;
  let index = 0;
  while (index < pieces.length && skipped >= pieces[index].byteLength) skipped -= pieces[index++].byteLength;
  if (index === pieces.length) return [];
  return [pieces[index].subarray(skipped), ...pieces.slice(index + 1)];
}

/** Opens a new file for writing; if its directory is gone (removed by hand after it was made), makes it again. */
async function openCreatingDirectory(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    return open(path, 'wx');
  }
}

/** Renames `from` to `to`, creating `to`'s shard directory when it is missing (only the first time for each shard). */
async function renameIntoShard(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(to), { recursive: true });
    await rename(from, to);
  }
}

/** Sets a file's times to now; false when it no longer exists. */
async function touch(path: string): Promise<boolean> {
  const now = new Date();
  return utimes(path, now, now).then(() => true, () => false);
}

/**
 * Writes `bytes` to a new file in as few `write` calls as the kernel allows. `fs.promises.writeFile` writes in
 * 512 KiB chunks, each a round trip through the thread pool: 16 of them for an 8 MB input, on the request's path.
 */
async function writeWhole(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    let written = 0;
    while (written < bytes.byteLength) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.byteLength - written);
      written += bytesWritten;
    }
  } finally {
    await handle.close();
  }
}
