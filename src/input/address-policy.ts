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
 * Classifies an IP address. IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible
 * (::a.b.c.d) and NAT64 (64:ff9b::/96) IPv6 addresses, dotted or in hex, are judged by the IPv4 address inside them,
 * so they cannot be used to reach a private host.
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
  if (!isIPv6(address)) return undefined;
  const lower = address.toLowerCase();
  // Mapped (::ffff:), translated (::ffff:0:), compatible (::) and NAT64; URL host names always come in the hex form.
  const dotted = /^(?:::ffff:|::ffff:0:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|::ffff:0:|::|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return undefined;
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
