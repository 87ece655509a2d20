import { isIPv4 } from 'node:net';

/**
 * Whether a socket's peer address is this machine: 127.0.0.0/8, `::1`, or 127.x in the IPv4-mapped form Node reports
 * for an IPv4 client of a dual-stack socket (`::ffff:127.0.0.1`). Deliberately narrower than `isLoopbackHost`, which
 * also judges NAT64, IPv4-compatible and IPv4-translated addresses by the IPv4 address inside them: refusing those as
 * fetch targets is the safe side, but as a peer such an address is another machine (a NAT64 gateway, a spoofing
 * neighbour), and accepting it would hand it the control plane.
 */
export function isLoopbackPeer(address: string): boolean {
  const lower = address.toLowerCase();
  const ipv4 = lower.startsWith('::ffff:') ? lower.slice('::ffff:'.length) : lower;
  if (isIPv4(ipv4)) return ipv4.startsWith('127.');
  return lower === '::1';
}

/**
 * Whether a browser's `Origin` names a page this machine serves (`isThisMachinesName`) or the configured public URL's
 * origin. `null` (sandboxed frames, `file:`), another host, and a DNS-rebinding name that now points at 127.0.0.1
 * are not.
 */
export function isThisMachinesOrigin(origin: string, publicUrl: string): boolean {
  // The public URL's own pages (Atelier's /docs, or a proxy's name for it) are Atelier's.
  if (origin.toLowerCase() === new URL(publicUrl).origin.toLowerCase()) return true;
  return isThisMachinesName(hostnameOf(origin));
}

/**
 * Whether a `Host` header names this machine: `localhost`, `*.localhost`, a loopback address, or the host of the
 * configured public URL (a reverse proxy's name). For a server bound to loopback any other name is a page that had
 * its own domain resolve to 127.0.0.1 (DNS rebinding), which would make the browser treat Atelier as that page's
 * own origin and let it read the answers.
 */
export function isThisMachinesHost(host: string, publicUrl: string): boolean {
  const hostname = hostnameOf(`http://${host}`);
  if (hostname !== undefined && hostname === new URL(publicUrl).hostname.toLowerCase()) return true;
  return isThisMachinesName(hostname);
}

/** `localhost`, `*.localhost` (browsers resolve those to loopback themselves, RFC 6761) or a loopback address. */
function isThisMachinesName(hostname: string | undefined): boolean {
  if (hostname === undefined) return false;
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  return isLoopbackPeer(hostname.replace(/^\[|\]$/g, ''));
}

/** The lower-case host name of a URL, or undefined when it is not one. */
function hostnameOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
