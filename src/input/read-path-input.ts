import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GatewayError } from '../errors/gateway-error.ts';
import { isLoopbackHost } from './address-policy.ts';
import { describeLeadingBytes, sniffImageFormat, sniffLength } from './image-format.ts';
import { isInsideRoots, openedFileIsInsideRoots } from './opened-file-check.ts';

export interface PathPolicy {
  roots: readonly string[];
  rootsExplicit: boolean;
  /** The address the server is bound to: path inputs on a non-loopback bind need explicit roots. */
  serverHost: string;
  maxBytes: number;
  parameter: string;
}

/**
 * Reads an image file named by a caller. The path is resolved with realpath, so `..` and symlinks cannot leave
 * the allowed roots, and the opened file is checked against the roots again; only a regular file is opened (a FIFO or
 * a device never is), and the magic bytes are checked before the rest of the file is read.
 */
export async function readPathInput(path: string, policy: PathPolicy): Promise<Buffer> {
  if (!policy.rootsExplicit && !isLoopbackHost(policy.serverHost)) {
    throw new GatewayError('input_path_roots_required', { host: policy.serverHost });
  }
  const requested = resolve(path);
  const real = await realpath(requested).catch(() => {
    throw new GatewayError('input_path_not_found', { path });
  });
  const realRoots = (await Promise.all(policy.roots.map((root) => realpath(root).catch(() => undefined)))).filter((root) => root !== undefined);
  const outsideRoots = () => new GatewayError('input_path_outside_roots', { path, roots: policy.roots.join(', ') });
  if (!isInsideRoots(real, realRoots)) throw outsideRoots();

  // Opening is not harmless for everything a name can denote: a FIFO waits for a writer, a terminal becomes the
  // controlling one, some devices act on open. So only a regular file is opened at all.
  const beforeOpening = await stat(real).catch(() => {
    throw new GatewayError('input_path_not_found', { path });
  });
  if (!beforeOpening.isFile()) throw new GatewayError('input_path_not_file', { path });
  // The name can be swapped for something else after that stat, so the open itself stays safe and the opened file
  // is checked again below. Non-blocking: a FIFO would otherwise wait in open() for a writer, holding a thread-pool
  // thread for good. No-controlling-tty: a terminal cannot attach itself. No-follow: a symlink swapped in after
  // realpath is refused.
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | constants.O_NOFOLLOW;
  const handle = await open(real, flags).catch(() => {
    throw new GatewayError('input_path_not_found', { path });
  });
  try {
    // open() walks the path again, and O_NOFOLLOW guards only its last component: a directory on the way swapped for
    // a symlink after the check above would lead outside the roots. So check the file that was actually opened.
    if (!(await openedFileIsInsideRoots(handle, { checkedRealPath: real, realRoots }))) throw outsideRoots();
    const info = await handle.stat();
    if (!info.isFile()) throw new GatewayError('input_path_not_file', { path });
    if (info.size > policy.maxBytes) throw new GatewayError('input_too_large', { parameter: policy.parameter, limitBytes: policy.maxBytes });
    const head = Buffer.alloc(Math.min(sniffLength, info.size));
    await handle.read(head, 0, head.length, 0);
    if (!sniffImageFormat(head)) {
      throw new GatewayError('input_format_unsupported', { parameter: policy.parameter, detail: describeLeadingBytes(head) });
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
