import { describe, expect, it } from 'vitest';
import { parseAogHost } from './parse-aog-host.ts';
import { readSettings, SettingsError } from './read-settings.ts';

describe('parseAogHost', () => {
  it.each([
    ['127.0.0.1', { host: '127.0.0.1' }],
    ['127.0.0.1:16688', { host: '127.0.0.1', port: '16688' }],
    ['http://0.0.0.0:16688', { host: '0.0.0.0', port: '16688' }],
    ['HTTP://localhost:1', { host: 'localhost', port: '1' }],
    ['http://127.0.0.1:16688/', { host: '127.0.0.1', port: '16688' }],
    ['atelier-box.local:65535', { host: 'atelier-box.local', port: '65535' }],
    ['[::1]:16690', { host: '::1', port: '16690' }],
    ['[::1]', { host: '::1' }],
    ['http://[fe80::1%eth0]:8080', { host: 'fe80::1%eth0', port: '8080' }],
    ['::1', { host: '::1' }],
    ['::', { host: '::' }],
  ])('reads %s', (value, expected) => {
    expect(parseAogHost(value)).toEqual(expected);
  });

  it.each([
    ['[::1]x', 'only ":" and a port may follow "]"'],
    ['[::1]:', 'the port must be a number from 1 to 65535'],
    ['[localhost]:80', 'brackets must hold an IPv6 address'],
    ['[::1', 'brackets must hold an IPv6 address'],
    ['host:', 'the port must be a number from 1 to 65535, not ""'],
    ['host:99999', 'not "99999"'],
    ['host:0', 'not "0"'],
    ['host:+80', 'not "+80"'],
    ['host:8O', 'not "8O"'],
    [':80', 'no host is given'],
    [':80garbage', 'no host is given'],
    ['http://', 'no host is given'],
    ['http://host/path', 'a path, query or fragment cannot be bound'],
    ['host:80/x', 'a path, query or fragment cannot be bound'],
    ['host?x=1', 'a path, query or fragment cannot be bound'],
    ['host//', 'a path, query or fragment cannot be bound'],
    ['https://127.0.0.1:443', 'the only scheme allowed is http://'],
    ['ftp://host', 'the only scheme allowed is http://'],
    ['user@host:80', '"user@host" is not a DNS name or an IPv4 address'],
    ['bad_name', 'is not a DNS name or an IPv4 address'],
    ['-host', 'is not a DNS name or an IPv4 address'],
    ['a..b', 'is not a DNS name or an IPv4 address'],
    ['1.2.3.999', 'is not a DNS name or an IPv4 address'],
    ['1.2.3', 'is not a DNS name or an IPv4 address'],
    [`${'a'.repeat(64)}.example`, 'is not a DNS name or an IPv4 address'],
    ['::1:80:zz', 'is not an IPv6 address'],
  ])('refuses %s', (value, problem) => {
    const parsed = parseAogHost(value);
    expect(parsed).toHaveProperty('problem');
    expect((parsed as { problem: string }).problem).toContain(problem);
  });
});

describe('readSettings with a bad AOG_HOST', () => {
  it('stops with a one-line SettingsError naming AOG_HOST, the accepted form and the value', () => {
    for (const value of ['[::1]x', 'host:99999', 'http://host/path', 'https://host']) {
      let thrown: unknown;
      try {
        readSettings([], { AOG_HOST: value });
      } catch (error) {
        thrown = error;
      }
      expect(thrown, value).toBeInstanceOf(SettingsError);
      const { message } = thrown as SettingsError;
      expect(message).toContain(`AOG_HOST must be [http://]host[:port] (host: a DNS name, an IPv4 address or a bracketed IPv6 address such as [::1]; port: 1–65535), such as 127.0.0.1:16688, but received "${value}": `);
      expect(message).not.toContain('\n');
    }
  });

  it('binds what a good one names', () => {
    expect(readSettings([], { AOG_HOST: 'http://localhost:17000/' })).toMatchObject({ host: 'localhost', port: 17000 });
  });
});
