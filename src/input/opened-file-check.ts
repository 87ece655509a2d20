import { readlink, realpath, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** Whether `realPath` is one of `realRoots` or lies below one; both sides already resolved with realpath. */
export function isInsideRoots(realPath: string, realRoots: readonly string[]): boolean {
  return realRoots.some((root) => realPath === root || realPath.startsWith(root.endsWith(sep) ? root : root + sep));
}

export interface OpenedFileExpectation {
  /** The path that passed the roots check, as realpath returned it. */
  checkedRealPath: string;
  /** The allowed roots, each resolved with realpath. */
  realRoots: readonly string[];
  /** Where the kernel lists this process's descriptors as symlinks to the opened files; tests point it elsewhere. */
  descriptorDirectory?: string;
}

/**
 * Whether the file behind `handle` is inside the roots. Opening by name walks the path again after it was checked,
 * so this looks at what was actually opened: on Linux the descriptor's own path; where there is no /proc, whether
 * the checked path still resolves to itself and names the same device and inode as the handle.
 */
export async function openedFileIsInsideRoots(handle: FileHandle, expected: OpenedFileExpectation): Promise<boolean> {
  const descriptorDirectory = expected.descriptorDirectory ?? '/proc/self/fd';
  const openedPath = await readlink(join(descriptorDirectory, String(handle.fd))).catch(() => undefined);
  if (openedPath !== undefined) return isInsideRoots(openedPath, expected.realRoots);
  return isSameFileAsCheckedPath(handle, expected.checkedRealPath);
}

async function isSameFileAsCheckedPath(handle: FileHandle, checkedRealPath: string): Promise<boolean> {
  // stat follows symlinks in directory components just as open did, so a swap still in place would match: the path
  // must also still resolve to itself.
  const [opened, current, resolvedAgain] = await Promise.all([
    handle.stat({ bigint: true }),
    stat(checkedRealPath, { bigint: true }).catch(() => undefined),
    realpath(checkedRealPath).catch(() => undefined),
  ]);
  return resolvedAgain === checkedRealPath && current !== undefined && opened.dev === current.dev && opened.ino === current.ino;
}
