/** What an `AOG_HOST` value names: the address to bind and, when it has one, the port. */
export interface AogHost {
  host: string;
  /** The port as written (checked by the caller like any other port value), or undefined when none was given. */
  port?: string;
}

/**
 * Reads `AOG_HOST` the way AOG does (`[http://]host[:port]`, e.g. `127.0.0.1:16688`, `http://0.0.0.0:16688`,
 * `[::1]:16688`; a bare IPv6 address such as `::1` is a host without a port). AOG's own value carries the port, so
 * taking the whole string as a host would bind nothing and break every returned URL.
 *
 * @returns the host and port, or a reason the value cannot be bound (Atelier serves plain HTTP without a path)
 */
export function parseAogHost(value: string): AogHost | { problem: string } {
  const schemeEnd = value.indexOf('://');
  if (schemeEnd !== -1 && value.slice(0, schemeEnd).toLowerCase() !== 'http') return { problem: 'Atelier serves plain http, so the only scheme allowed is http://' };
  const afterScheme = schemeEnd === -1 ? value : value.slice(schemeEnd + 3);
  const pathStart = afterScheme.indexOf('/');
  if (pathStart !== -1 && afterScheme.slice(pathStart) !== '/') return { problem: 'a path cannot be bound; give host[:port] only' };
  const hostAndPort = pathStart === -1 ? afterScheme : afterScheme.slice(0, pathStart);
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(hostAndPort);
  if (bracketed) return { host: bracketed[1], port: bracketed[2] };
  const colons = hostAndPort.split(':').length - 1;
  // More than one colon without brackets is an IPv6 address on its own, as in AOG.
  if (colons !== 1) return hostAndPort === '' ? { problem: 'no host is given' } : { host: hostAndPort };
  const [host, port] = hostAndPort.split(':');
  return host === '' ? { problem: 'no host is given' } : { host, port };
}
