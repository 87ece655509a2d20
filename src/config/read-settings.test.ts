import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from './read-settings.ts';

describe('readSettings', () => {
  it('uses the documented defaults', () => {
    const settings = readSettings([], {});
    expect(settings).toMatchObject({ host: '127.0.0.1', port: 16688, logLevel: 'info', ffmpegPath: 'ffmpeg', publicUrl: 'http://127.0.0.1:16688' });
    expect(settings.input.allowPrivateUrls).toBe(false);
    expect(settings.input.rootsExplicit).toBe(false);
  });

  it('prefers flags over environment variables', () => {
    const settings = readSettings(['--port', '9000', '--log-level', 'debug'], { ATELIER_PORT: '8000', ATELIER_LOG_LEVEL: 'warn' });
    expect(settings.port).toBe(9000);
    expect(settings.logLevel).toBe('debug');
  });

  it('reads input roots from the flag or the colon-separated variable', () => {
    expect(readSettings(['--input-root', '/srv/a', '--input-root', '/srv/b'], {}).input.roots).toEqual(['/srv/a', '/srv/b']);
    const fromEnv = readSettings([], { ATELIER_INPUT_ROOTS: '/srv/c:relative' }).input;
    expect(fromEnv.roots).toEqual(['/srv/c', resolve('relative')]);
    expect(fromEnv.rootsExplicit).toBe(true);
  });

  it('names ffmpeg by path, or turns it off', () => {
    expect(readSettings(['--ffmpeg', '/opt/ffmpeg/bin/ffmpeg'], {}).ffmpegPath).toBe('/opt/ffmpeg/bin/ffmpeg');
    expect(readSettings([], { ATELIER_FFMPEG: 'off' }).ffmpegPath).toBeNull();
    expect(readSettings([], { ATELIER_FFMPEG: 'NONE' }).ffmpegPath).toBeNull();
    expect(() => readSettings([], { ATELIER_FFMPEG: ' ffmpeg' })).toThrow(/ATELIER_FFMPEG must be a path to ffmpeg or "off"/);
  });

  it('keeps finished tasks and unreferenced files 30 days unless told otherwise, or forever with off', () => {
    expect(readSettings([], {}).retentionMilliseconds).toBe(30 * 86_400_000);
    expect(readSettings(['--retention', '12h'], { ATELIER_RETENTION: '7d' }).retentionMilliseconds).toBe(12 * 3_600_000);
    expect(readSettings([], { ATELIER_RETENTION: '7d' }).retentionMilliseconds).toBe(7 * 86_400_000);
    expect(readSettings([], { ATELIER_RETENTION: '90m' }).retentionMilliseconds).toBe(90 * 60_000);
    expect(readSettings(['--retention', 'off'], {}).retentionMilliseconds).toBeNull();
    expect(readSettings([], { ATELIER_RETENTION: 'OFF' }).retentionMilliseconds).toBeNull();
  });

  it('rejects a malformed, non-positive or too short retention, naming the flag or variable', () => {
    const message = (source: string, value: string) =>
      `${source} must be a duration between 1h and 36500d such as 30d, 12h or 90m, or "off", but received "${value}"`;
    for (const value of ['0d', '-1d', '30', '1.5d', '30 d', 'd', '2w', '30D', 'forever', '59m', '36501d', '99999999d']) {
      expect(() => readSettings([], { ATELIER_RETENTION: value })).toThrow(message('ATELIER_RETENTION', value));
    }
    expect(() => readSettings(['--retention', '0h'], { ATELIER_RETENTION: '30d' })).toThrow(message('--retention', '0h'));
    expect(() => readSettings(['--retention', '0h'], {})).toThrow(SettingsError);
  });

  it('reads how long synchronous AOG calls wait, per service, and rejects out-of-range waits', () => {
    expect(readSettings([], {}).syncWaitMilliseconds).toEqual({ image: 600_000, video: 600_000 });
    expect(readSettings(['--sync-wait-video', '1800'], { ATELIER_SYNC_WAIT_IMAGE_SECONDS: '45' }).syncWaitMilliseconds).toEqual({ image: 45_000, video: 1_800_000 });
    expect(() => readSettings([], { ATELIER_SYNC_WAIT_VIDEO_SECONDS: '0' })).toThrow(/ATELIER_SYNC_WAIT_VIDEO_SECONDS must be a whole number of seconds between 1 and 86400 but received "0"/);
    expect(() => readSettings(['--sync-wait-image', '1.5'], {})).toThrow(/--sync-wait-image must be a whole number/);
    expect(() => readSettings(['--sync-wait-image', '90000'], {})).toThrow(SettingsError);
  });

  it('rejects out-of-range or unknown values, naming the source, never clamping', () => {
    expect(() => readSettings(['--port', '70000'], {})).toThrow(SettingsError);
    expect(() => readSettings([], { ATELIER_PORT: '-1' })).toThrow(/ATELIER_PORT must be an integer between 0 and 65535/);
    expect(() => readSettings([], { ATELIER_LOG_LEVEL: 'verbose' })).toThrow(/ATELIER_LOG_LEVEL must be one of/);
    expect(() => readSettings([], { ATELIER_ALLOW_PRIVATE_URLS: 'maybe' })).toThrow(/ATELIER_ALLOW_PRIVATE_URLS must be 1 or 0/);
    expect(() => readSettings(['--no-such-flag'], {})).toThrow();
  });

  it('derives the public URL from a wildcard or IPv6 bind, and strips trailing slashes from an explicit one', () => {
    expect(readSettings(['--host', '0.0.0.0'], {}).publicUrl).toBe('http://127.0.0.1:16688');
    expect(readSettings(['--host', '::1', '--port', '0'], {}).publicUrl).toBe('http://[::1]:0');
    expect(readSettings([], { ATELIER_PUBLIC_URL: 'https://atelier.example/' }).publicUrl).toBe('https://atelier.example');
  });

  it('refuses an empty or blank host instead of binding every interface', () => {
    const message = (source: string, value: string) => `${source} must be an address to bind such as 127.0.0.1 or 0.0.0.0 but received "${value}"`;
    expect(() => readSettings([], { ATELIER_HOST: '' })).toThrow(message('ATELIER_HOST', ''));
    expect(() => readSettings([], { ATELIER_HOST: '', AOG_HOST: '127.0.0.1' })).toThrow(SettingsError);
    expect(() => readSettings([], { AOG_HOST: ' ' })).toThrow(message('AOG_HOST', ' '));
    expect(() => readSettings(['--host', ''], { ATELIER_HOST: '127.0.0.1' })).toThrow(message('--host', ''));
    expect(readSettings([], { AOG_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('refuses an empty data directory instead of using the working directory', () => {
    expect(() => readSettings([], { ATELIER_DATA_DIR: '' })).toThrow(new SettingsError('ATELIER_DATA_DIR must be a directory path but received ""'));
    expect(() => readSettings(['--data-dir', ' '], {})).toThrow('--data-dir must be a directory path but received " "');
    expect(readSettings([], { ATELIER_DATA_DIR: 'relative' }).dataDirectory).toBe(resolve('relative'));
  });

  it('accepts only an absolute http(s) public URL without query, fragment or credentials', () => {
    const message = (source: string, value: string) =>
      `${source} must be an absolute http(s) URL without query, fragment or credentials, such as "https://atelier.example.com", but received "${value}"`;
    for (const value of ['', 'not a url', 'ftp://example.com', 'example.com', '/atelier', 'http:example.com', ' https://a.example', 'https://a.example?x=1', 'https://a.example/?', 'https://a.example/#top', 'https://user:pw@a.example']) {
      expect(() => readSettings([], { ATELIER_PUBLIC_URL: value }), JSON.stringify(value)).toThrow(message('ATELIER_PUBLIC_URL', value));
    }
    expect(() => readSettings(['--public-url', 'ftp://x'], {})).toThrow(message('--public-url', 'ftp://x'));
    expect(readSettings([], { ATELIER_PUBLIC_URL: 'http://10.0.0.5:8080/atelier//' }).publicUrl).toBe('http://10.0.0.5:8080/atelier');
    expect(readSettings(['--public-url', 'HTTPS://Atelier.example'], {}).publicUrl).toBe('HTTPS://Atelier.example');
  });
});
