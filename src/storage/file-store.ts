import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { extensionForMediaType, mediaTypeForExtension } from './media-types.ts';

/** A file in the store. `id` is `<sha-256 hex>.<extension>`: the same bytes always get the same id. */
export interface StoredFile {
  id: string;
  path: string;
  mediaType: string;
  size: number;
  /** Strong ETag value (the SHA-256), quoted as HTTP wants it. */
  etag: string;
}

const idPattern = /^([0-9a-f]{64})\.([a-z0-9]{2,5})$/;

/**
 * Content-addressed storage for inputs and results under `<data-dir>/files`. Each file is written once (to a temp
 * name, then renamed, so a reader never sees half a file) and never changes, which is what makes ids stable URLs
 * and ETags exact.
 */
export class FileStore {
  readonly root: string;

  constructor(dataDirectory: string) {
    this.root = join(dataDirectory, 'files');
  }

  async put(bytes: Uint8Array, mediaType: string): Promise<StoredFile> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    const id = `${hash}.${extensionForMediaType(mediaType)}`;
    const path = this.pathFor(hash, id);
    const existing = await stat(path).catch(() => undefined);
    if (!existing || existing.size !== bytes.byteLength) {
      await mkdir(join(this.root, hash.slice(0, 2)), { recursive: true });
      const temporary = `${path}.${randomUUID()}.partial`;
      try {
        await writeFile(temporary, bytes);
        await rename(temporary, path);
      } finally {
        await rm(temporary, { force: true });
      }
    }
    return { id, path, mediaType, size: bytes.byteLength, etag: `"${hash}"` };
  }

  /** Looks a file up by id; undefined for unknown or malformed ids (never touches paths outside the store). */
  async find(id: string): Promise<StoredFile | undefined> {
    const match = idPattern.exec(id);
    if (!match) return undefined;
    const mediaType = mediaTypeForExtension(match[2]);
    if (!mediaType) return undefined;
    const path = this.pathFor(match[1], id);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { id, path, mediaType, size: info.size, etag: `"${match[1]}"` };
  }

  async read(id: string): Promise<Buffer> {
    const file = await this.find(id);
    if (!file) throw new Error(`stored file ${id} is missing`);
    return readFile(file.path);
  }

  private pathFor(hash: string, id: string): string {
    return join(this.root, hash.slice(0, 2), id);
  }
}
