import { isIPv4, isIPv6 } from 'node:net';

/** What an `AOG_HOST` value names: the address to bind and, when it has one, the port. */
export interface AogHost {
  host: string;
  /** The port as written: digits only, 1–65535. Undefined when none was given. */
  port?: string;
}

/** The form every accepted value has, for messages. */
export const aogHostForm = '[http://]host[:port] (host: a DNS name, an IPv4 address or a bracketed IPv6 address such as [::1]; port: 1–65535)';

/**
 * Reads `AOG_HOST` the way AOG writes it (`[http://]host[:port]`, e.g. `127.0.0.1:16688`, `http://0.0.0.0:16688`,
 * `[::1]:16688`; a bare IPv6 address such as `::1` is a host without a port). AOG's own value carries the port, so
 * taking the whole string as a host would bind nothing and break every returned URL. Everything else is refused
 * here, so that a bad value stops start-up with a message instead of failing at the bind (or binding something else).
 * One trailing `/` is tolerated (`http://127.0.0.1:16688/` is how a base URL is often written); any other path is not.
 *
 * @returns the host and port, or a reason the value cannot be bound (Atelier serves plain HTTP without a path)
 */
export function parseAogHost(value: string): AogHost | { problem: string } {
  const schemeEnd = value.indexOf('://');
  if (schemeEnd !== -1 && value.slice(0, schemeEnd).toLowerCase() !== 'http') return { problem: 'Atelier serves plain http, so the only scheme allowed is http://' };
  const afterScheme = schemeEnd === -1 ? value : value.slice(schemeEnd + 3);
  const hostAndPort = afterScheme.endsWith('/') ? afterScheme.slice(0, -1) : afterScheme;
  if (/[/?#]/.test(hostAndPort)) return { problem: 'a path, query or fragment cannot be bound; give host[:port] only' };
  if (hostAndPort === '') return { problem: 'no host is given' };

  if (hostAndPort.startsWith('[')) {
    const bracketed = /^\[([^\]]*)\](.*)$/.exec(hostAndPort);
    if (!bracketed || !isIPv6(bracketed[1])) return { problem: 'brackets must hold an IPv6 address, such as [::1]' };
    if (bracketed[2] === '') return { host: bracketed[1] };
    if (!bracketed[2].startsWith(':')) return { problem: `only ":" and a port may follow "]", not "${bracketed[2]}"` };
    return withPort(bracketed[1], bracketed[2].slice(1));
  }
  // More than one colon without brackets is an IPv6 address on its own, as in AOG: it has no port.
  if (hostAndPort.indexOf(':') !== hostAndPort.lastIndexOf(':')) {
    return isIPv6(hostAndPort) ? { host: hostAndPort } : { problem: `"${hostAndPort}" is not an IPv6 address (put one with a port in brackets: [::1]:16688)` };
  }
  const [host, port] = hostAndPort.split(':');
  if (host === '') return { problem: 'no host is given' };
  if (!isIPv4(host) && !isDnsName(host)) return { problem: `"${host}" is not a DNS name or an IPv4 address` };
  return port === undefined ? { host } : withPort(host, port);
}

function withPort(host: string, port: string): AogHost | { problem: string } {
  // Port 0 (any free port) is refused: the value tells AOG's clients where to connect, so it must be a real port.
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return { problem: `the port must be a number from 1 to 65535, not "${port}"` };
  return { host, port };
}

/**
 * Letters, digits and hyphens in dot-separated labels of 1–63 characters (no hyphen first or last), at most 253 in
 * all. The last label is not all digits, so `1.2.3.999` is a bad IPv4 address rather than a name.
 */
function isDnsName(host: string): boolean {
  const labels = host.split('.');
  return host.length <= 253
    && labels.every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(label))
    && !/^\d+$/.test(labels[labels.length - 1]);
}
