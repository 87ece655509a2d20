import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from './read-settings.ts';

describe('a bind address that has no URL form (an IPv6 zone id)', () => {
  // The public URL is derived from the bind address; `http://[fe80::1%eth0]:8080` is no URL, so every returned link
  // would be broken and a change sent with an Origin header a 500 (new URL throws) instead of an answer.
  it('stops start-up naming the public URL setting when none is given', () => {
    for (const [argv, env] of [[[], { AOG_HOST: 'http://[fe80::1%eth0]:8080' }], [['--host', 'fe80::1%eth0'], {}]] as const) {
      expect(() => readSettings([...argv], env)).toThrow(SettingsError);
      expect(() => readSettings([...argv], env)).toThrow(/--public-url or ATELIER_PUBLIC_URL/);
    }
  });

  it('binds it when a public URL is given', () => {
    expect(readSettings(['--public-url', 'http://127.0.0.1:8080'], { AOG_HOST: 'http://[fe80::1%eth0]:8080' })).toMatchObject({ host: 'fe80::1%eth0', port: 8080, publicUrl: 'http://127.0.0.1:8080' });
  });
});
