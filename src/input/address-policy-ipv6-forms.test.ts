/**
 * Security review of the address classification behind url inputs, webhooks and result downloads: IPv6 spellings
 * and transition prefixes that lead to private IPv4 space must not pass as public.
 */
import { describe, expect, it } from 'vitest';
import { classifyAddress } from './address-policy.ts';

describe('classifyAddress: IPv6 spellings of private IPv4 addresses', () => {
  it.each([
    ['0:0:0:0:0:ffff:7f00:1', 'loopback'], // mapped, written out in full
    ['0:0:0:0:0:ffff:127.0.0.1', 'loopback'],
    ['0000:0000:0000:0000:0000:ffff:0a00:0001', 'private'],
    ['0:0:0:0:0:0:a9fe:a9fe', 'cloud-metadata'], // compatible, in full
    ['64:ff9b:0:0:0:0:a00:1', 'private'], // NAT64 well-known prefix, in full
    ['2002:7f00:1::', 'loopback'], // 6to4 of 127.0.0.1: a 6to4 interface sends it to the IPv4 inside
    ['2002:a9fe:a9fe::1', 'cloud-metadata'],
    ['2002:c0a8:0101:1::5', 'private'], // 6to4 of 192.168.1.1
  ])('%s is judged by the IPv4 address inside it (%s)', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it('refuses the local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215): where it leads is the local network\'s choice', () => {
    expect(classifyAddress('64:ff9b:1::a00:1')).toBeDefined();
    expect(classifyAddress('64:ff9b:1:2::7f00:1')).toBeDefined();
  });

  it('refuses deprecated site-local addresses (fec0::/10), which some LANs still route', () => {
    expect(classifyAddress('fec0::1')).toBe('private');
  });

  it('keeps plain IPv6 and public IPv4 inside IPv6 public, and ::1 loopback', () => {
    expect(classifyAddress('2606:4700::1111')).toBeUndefined();
    expect(classifyAddress('::ffff:1.1.1.1')).toBeUndefined();
    expect(classifyAddress('64:ff9b::101:101')).toBeUndefined();
    expect(classifyAddress('2002:101:101::1')).toBeUndefined();
    expect(classifyAddress('0:0:0:0:0:0:0:1')).toBe('loopback');
    expect(classifyAddress('::0:1')).toBe('loopback');
    expect(classifyAddress('::')).toBe('unspecified');
  });

  it('sees through every IPv4 spelling a URL accepts (WHATWG parsing normalises them before the check)', () => {
    for (const url of ['http://0x7f.1/', 'http://2130706433/', 'http://0177.0.0.1/', 'http://127.1/', 'http://017700000001/', 'http://127.0.0.1./']) {
      expect(classifyAddress(new URL(url).hostname), url).toBe('loopback');
    }
    expect(classifyAddress(new URL('http://0/').hostname)).toBe('unspecified');
    expect(classifyAddress(new URL('http://[0:0:0:0:0:ffff:169.254.169.254]/').hostname.slice(1, -1))).toBe('cloud-metadata');
  });
});
