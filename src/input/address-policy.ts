import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Why an address may not be fetched from; undefined means it is a public address. */
export type ForbiddenAddressKind =
  | 'loopback' | 'private' | 'link-local' | 'CGNAT' | 'cloud-metadata' | 'unspecified' | 'multicast' | 'reserved';

interface Rule { kind: ForbiddenAddressKind; network: string; prefix: number; family: 'ipv4' | 'ipv6' }

// Order matters: the first matching rule names the kind (metadata before link-local, which contains it).
const rules: readonly Rule[] = [
  { kind: 'cloud-metadata', network: '169.254.169.254', prefix: 32, family: 'ipv4' },
  { kind: 'cloud-metadata', network: '100.100.100.200', prefix: 32, family: 'ipv4' }, // Alibaba Cloud
  { kind: 'cloud-metadata', network: 'fd00:ec2::254', prefix: 128, family: 'ipv6' }, // AWS IPv6
  { kind: 'unspecified', network: '0.0.0.0', prefix: 8, family: 'ipv4' },
  { kind: 'private', network: '10.0.0.0', prefix: 8, family: 'ipv4' },
  { kind: 'CGNAT', network: '100.64.0.0', prefix: 10, family: 'ipv4' },
  { kind: 'loopback', network: '127.0.0.0', prefix: 8, family: 'ipv4' },
  { kind: 'link-local', network: '169.254.0.0', prefix: 16, family: 'ipv4' },
  { kind: 'private', network: '172.16.0.0', prefix: 12, family: 'ipv4' },
  { kind: 'reserved', network: '192.0.0.0', prefix: 24, family: 'ipv4' },
  { kind: 'reserved', network: '192.0.2.0', prefix: 24, family: 'ipv4' },
  { kind: 'private', network: '192.168.0.0', prefix: 16, family: 'ipv4' },
  { kind: 'reserved', network: '198.18.0.0', prefix: 15, family: 'ipv4' },
  { kind: 'reserved', network: '198.51.100.0', prefix: 24, family: 'ipv4' },
  { kind: 'reserved', network: '203.0.113.0', prefix: 24, family: 'ipv4' },
  { kind: 'multicast', network: '224.0.0.0', prefix: 4, family: 'ipv4' },
  { kind: 'reserved', network: '240.0.0.0', prefix: 4, family: 'ipv4' },
  { kind: 'unspecified', network: '::', prefix: 128, family: 'ipv6' },
  { kind: 'loopback', network: '::1', prefix: 128, family: 'ipv6' },
  { kind: 'private', network: 'fc00::', prefix: 7, family: 'ipv6' },
  { kind: 'private', network: 'fec0::', prefix: 10, family: 'ipv6' }, // site-local: deprecated, still routed on some LANs
  { kind: 'reserved', network: '64:ff9b:1::', prefix: 48, family: 'ipv6' }, // local-use NAT64 (RFC 8215)
  { kind: 'link-local', network: 'fe80::', prefix: 10, family: 'ipv6' },
  { kind: 'multicast', network: 'ff00::', prefix: 8, family: 'ipv6' },
  { kind: 'reserved', network: '2001:db8::', prefix: 32, family: 'ipv6' },
];

const blockLists = rules.map((rule) => {
  const list = new BlockList();
  list.addSubnet(rule.network, rule.prefix, rule.family);
  return { kind: rule.kind, list, family: rule.family };
});

/**
 * Classifies an IP address. IPv6 addresses with an IPv4 address inside — mapped (::ffff:a.b.c.d), translated
 * (::ffff:0:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002:aabb:ccdd::/48), in any spelling —
 * are judged by that IPv4 address, so they cannot be used to reach a private host. The local-use NAT64 prefix
 * (64:ff9b:1::/48) is refused whole: which IPv4 space it reaches is the local network's choice.
 */
export function classifyAddress(address: string): ForbiddenAddressKind | undefined {
  const embedded = embeddedIPv4(address);
  if (embedded) return classifyAddress(embedded);
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!family) return 'reserved';
  for (const entry of blockLists) {
    if (entry.family === family && entry.list.check(address, family)) return entry.kind;
  }
  return undefined;
}

function embeddedIPv4(address: string): string | undefined {
  const groups = ipv6Groups(address);
  if (!groups) return undefined;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  const dotted = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  if (zeros(0, 5) && groups[5] === 0xffff) return dotted(groups[6], groups[7]); // mapped
  if (zeros(0, 4) && groups[4] === 0xffff && groups[5] === 0) return dotted(groups[6], groups[7]); // translated
  // Compatible; below ::1:0 it is :: or ::1, which the IPv6 rules name (unspecified, loopback).
  if (zeros(0, 6) && groups[6] !== 0) return dotted(groups[6], groups[7]);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return dotted(groups[6], groups[7]); // NAT64
  if (groups[0] === 0x2002) return dotted(groups[1], groups[2]); // 6to4
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address in any valid spelling (zeros written out, IPv4 tail), else undefined. */
function ipv6Groups(address: string): number[] | undefined {
  if (!isIPv6(address)) return undefined;
  let text = address.toLowerCase();
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number);
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const before = parse(head);
  const after = parse(rest);
  const groups = rest === undefined ? before : [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
  return groups.length === 8 ? groups : undefined;
}

/**
 * True for host names and addresses that stay on this machine: `localhost` and `*.localhost` (RFC 6761 reserves
 * them for loopback), 127.0.0.0/8, `::1` and their IPv4-mapped forms. Case and IPv6 brackets are ignored, so a
 * bind address and a URL's `hostname` can both be passed. Decides whether the bind is loopback-only, and whether
 * an OpenAI-compatible base URL may go without a key.
 *
 * @example isLoopbackHost(new URL('http://[::1]:7860/v1').hostname) // true
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  return (isIPv4(bare) || isIPv6(bare)) && classifyAddress(bare) === 'loopback';
}
