import { describe, expect, test } from 'vitest';
import { isLoopbackHost } from './address-policy.ts';

describe('isLoopbackHost: one rule for the bind address and for keyless OpenAI-compatible base URLs', () => {
  test.each([
    'localhost', 'LOCALHOST', 'sd.localhost', 'a.b.localhost', '127.0.0.1', '127.5.6.7', '::1', '[::1]', '::ffff:127.0.0.1', '[::ffff:7f00:1]',
  ])('%s stays on this machine', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  test.each([
    '0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'example.com', '127.example.com', 'localhost.example.com', 'notlocalhost', '',
  ])('%s does not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  test('takes a URL hostname as it comes (lower-cased, IPv6 in brackets)', () => {
    expect(isLoopbackHost(new URL('http://[::1]:7860/v1').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('http://Studio.LocalHost:8080/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('http://127.0.0.1.nip.io/').hostname)).toBe(false);
  });
});
