import { homedir, tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { aogHostForm, parseAogHost } from './parse-aog-host.ts';
import { defaultHost, defaultPort, defaultRetentionMilliseconds, type Settings } from './settings.ts';

/** The flags `atelier serve` understands; the CLI's help text is generated from the same list. */
export const serveFlags = {
  host: { type: 'string', description: 'Address to bind (env ATELIER_HOST, default 127.0.0.1)' },
  port: { type: 'string', description: 'Port to bind (env ATELIER_PORT, default 16688)' },
  'data-dir': { type: 'string', description: 'Data directory (env ATELIER_DATA_DIR, default ~/.atelier)' },
  'input-root': { type: 'string', multiple: true, description: 'Directory path inputs may come from; repeatable (env ATELIER_INPUT_ROOTS, ":"-separated)' },
  'allow-private-urls': { type: 'boolean', description: 'Allow url inputs on loopback/private addresses (env ATELIER_ALLOW_PRIVATE_URLS=1)' },
  'public-url': { type: 'string', description: 'Base of returned URLs (env ATELIER_PUBLIC_URL, default http://<host>:<port>)' },
  'log-level': { type: 'string', description: 'debug | info | warn | error | silent (env ATELIER_LOG_LEVEL, default info)' },
  'sync-wait-image': { type: 'string', description: 'Seconds a synchronous AOG image-to-image call waits for its task, 1–86400 (env ATELIER_SYNC_WAIT_IMAGE_SECONDS, default 600)' },
  'sync-wait-video': { type: 'string', description: 'Seconds a synchronous AOG image-to-video call waits for its task, 1–86400 (env ATELIER_SYNC_WAIT_VIDEO_SECONDS, default 600)' },
  ffmpeg: { type: 'string', description: 'ffmpeg for video encoding, or "off" for the bundled encoder (env ATELIER_FFMPEG, default ffmpeg on PATH)' },
  retention: { type: 'string', description: 'Keep finished tasks and unreferenced files this long, e.g. 30d, 12h, 90m, or "off" (env ATELIER_RETENTION, default 30d)' },
} as const;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/**
 * Builds the settings from flags and environment variables. Invalid values stop start-up with a message that
 * names the flag or variable (never a silent fallback).
 */
export function readSettings(argv: string[], env: Readonly<Record<string, string | undefined>>): Settings {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(Object.entries(serveFlags).map(([name, flag]) => [name, { type: flag.type, multiple: 'multiple' in flag }])),
    strict: true,
    allowPositionals: false,
  }) as { values: Record<string, string | string[] | boolean | undefined> };

  const { host, aogHostPort } = parseHost(values.host as string | undefined, env);
  const [portValue, portSource] = values.port !== undefined ? [values.port as string, '--port']
    : env.ATELIER_PORT !== undefined ? [env.ATELIER_PORT, 'ATELIER_PORT']
      : [aogHostPort, 'the port in AOG_HOST'];
  const port = parsePort(portValue, portSource);
  const dataDirectory = resolve(
    parseDataDirectory((values['data-dir'] as string | undefined) ?? env.ATELIER_DATA_DIR, values['data-dir'] !== undefined ? '--data-dir' : 'ATELIER_DATA_DIR')
      ?? resolve(homedir(), '.atelier'),
  );
  const rootFlags = values['input-root'] as string[] | undefined;
  const rootEnv = env.ATELIER_INPUT_ROOTS?.split(':').filter(Boolean);
  const explicitRoots = rootFlags ?? rootEnv;
  const roots = (explicitRoots ?? [homedir(), process.cwd(), tmpdir()]).map((root) => resolve(root));
  const allowPrivateUrls = values['allow-private-urls'] === true || parseBooleanEnv(env.ATELIER_ALLOW_PRIVATE_URLS, 'ATELIER_ALLOW_PRIVATE_URLS');
  const logLevel = (values['log-level'] as string | undefined) ?? env.ATELIER_LOG_LEVEL ?? 'info';
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) {
    const source = values['log-level'] !== undefined ? '--log-level' : 'ATELIER_LOG_LEVEL';
    throw new SettingsError(`${source} must be one of debug, info, warn, error, silent but received "${logLevel}"`);
  }
  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const publicUrl = parsePublicUrl((values['public-url'] as string | undefined) ?? env.ATELIER_PUBLIC_URL, values['public-url'] !== undefined ? '--public-url' : 'ATELIER_PUBLIC_URL')
    ?? derivedPublicUrl(publicHost, port);

  const ffmpegPath = parseFfmpeg((values.ffmpeg as string | undefined) ?? env.ATELIER_FFMPEG, values.ffmpeg !== undefined ? '--ffmpeg' : 'ATELIER_FFMPEG');
  const retentionMilliseconds = parseRetention((values.retention as string | undefined) ?? env.ATELIER_RETENTION, values.retention !== undefined ? '--retention' : 'ATELIER_RETENTION');

  return Object.freeze({
    host,
    port,
    dataDirectory,
    input: Object.freeze({
      roots,
      rootsExplicit: explicitRoots !== undefined,
      allowPrivateUrls,
      maxBytes: 20 * 1024 * 1024,
      maxPixels: 64_000_000,
      urlTimeoutMilliseconds: 30_000,
      maxRedirects: 5,
    }),
    // 10 MB of image is 13.4 MB of base64; leave room for a mask and the JSON around them.
    bodyLimitBytes: 32 * 1024 * 1024,
    publicUrl,
    imageToImageResponse: 'merged',
    syncWaitMilliseconds: {
      image: parseSeconds(values['sync-wait-image'] as string | undefined, env.ATELIER_SYNC_WAIT_IMAGE_SECONDS, 'sync-wait-image', 'ATELIER_SYNC_WAIT_IMAGE_SECONDS') * 1000,
      video: parseSeconds(values['sync-wait-video'] as string | undefined, env.ATELIER_SYNC_WAIT_VIDEO_SECONDS, 'sync-wait-video', 'ATELIER_SYNC_WAIT_VIDEO_SECONDS') * 1000,
    },
    logLevel: logLevel as Settings['logLevel'],
    ffmpegPath,
    retentionMilliseconds,
  });
}

/**
 * `--host`, else `ATELIER_HOST`, else `AOG_HOST`, else loopback. An empty or blank value is refused: `listen` would
 * take it as "every interface", silently widening the bind. `AOG_HOST` is read as AOG writes it (`[http://]host[:port]`,
 * see `parseAogHost`); its port, if any, is returned for the port setting to use when no port is given otherwise.
 */
function parseHost(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): { host: string; aogHostPort?: string } {
  const [value, source] = flag !== undefined ? [flag, '--host']
    : env.ATELIER_HOST !== undefined ? [env.ATELIER_HOST, 'ATELIER_HOST']
      : env.AOG_HOST !== undefined ? [env.AOG_HOST, 'AOG_HOST']
        : [defaultHost, 'host'];
  if (value.trim() === '' || value.trim() !== value) {
    throw new SettingsError(`${source} must be an address to bind such as 127.0.0.1 or 0.0.0.0 but received "${value}"`);
  }
  if (source !== 'AOG_HOST') return { host: value };
  const aogHost = parseAogHost(value);
  if ('problem' in aogHost) throw new SettingsError(`AOG_HOST must be ${aogHostForm}, such as 127.0.0.1:16688, but received "${value}": ${aogHost.problem}`);
  return { host: aogHost.host, aogHostPort: aogHost.port };
}

/**
 * `http://<host>:<port>` when no public URL is given. A bind address with no URL form (an IPv6 zone id, `fe80::1%eth0`)
 * is refused here: every returned link would be broken, and the Origin check, which parses it, would fail each change.
 */
function derivedPublicUrl(publicHost: string, port: number): string {
  const url = `http://${publicHost}:${port}`;
  if (!URL.canParse(url)) {
    throw new SettingsError(`the address to bind (${publicHost}) cannot be written in the URLs Atelier returns; set --public-url or ATELIER_PUBLIC_URL to the URL clients use, such as http://127.0.0.1:${port}`);
  }
  return url;
}

/** A data directory path, or undefined when unset. Empty or blank is refused (it would mean the working directory). */
function parseDataDirectory(value: string | undefined, source: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new SettingsError(`${source} must be a directory path but received "${value}"`);
  return value;
}

/**
 * The base of returned URLs, or undefined when unset: an absolute http(s) URL, optionally with a path (behind a
 * reverse proxy), without query, fragment or credentials; returned without trailing slashes.
 */
function parsePublicUrl(value: string | undefined, source: string): string | undefined {
  if (value === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  // The raw-text checks catch what URL parsing forgives: surrounding spaces, `http:host` without `//`, a bare `?` or `#`.
  if (parsed === undefined || !/^https?:\/\/[^\s?#]+$/i.test(value) || parsed.username !== '' || parsed.password !== '') {
    throw new SettingsError(`${source} must be an absolute http(s) URL without query, fragment or credentials, such as "https://atelier.example.com", but received "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

function parsePort(value: string | undefined, source: string): number {
  if (value === undefined) return defaultPort;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 0 || port > 65535) {
    throw new SettingsError(`${source} must be an integer between 0 and 65535 but received "${value}"`);
  }
  return port;
}

/** `off` (or `none`, `0`) turns ffmpeg off; anything else names the program; unset means `ffmpeg` on PATH. */
function parseFfmpeg(value: string | undefined, source: string): string | null {
  if (value === undefined || value === '') return 'ffmpeg';
  if (['off', 'none', '0', 'false'].includes(value.toLowerCase())) return null;
  if (value.trim() !== value) throw new SettingsError(`${source} must be a path to ffmpeg or "off" but received "${value}" (leading or trailing spaces)`);
  return value;
}

const durationUnits = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const shortestRetention = durationUnits.h;
const longestRetention = 36_500 * durationUnits.d;

/**
 * `<integer><m|h|d>` (`30d`, `12h`, `90m`) or `off`; unset means 30 days. At least one hour: the retention sweep
 * tells a file about to be referenced from an abandoned one by its age (see `RetentionSweeper`), which needs the
 * retention to be far longer than the moment between storing a file and saving the task that references it.
 */
function parseRetention(value: string | undefined, source: string): number | null {
  if (value === undefined || value === '') return defaultRetentionMilliseconds;
  if (value.toLowerCase() === 'off') return null;
  const match = /^(\d{1,7})([mhd])$/.exec(value);
  const milliseconds = match ? Number(match[1]) * durationUnits[match[2] as keyof typeof durationUnits] : Number.NaN;
  if (!(milliseconds >= shortestRetention && milliseconds <= longestRetention)) {
    throw new SettingsError(`${source} must be a duration between 1h and 36500d such as 30d, 12h or 90m, or "off", but received "${value}"`);
  }
  return milliseconds;
}

/** Seconds from a flag or variable: an integer 1–86400 (a day), default 600 (AOG clients wait about that long). */
function parseSeconds(flag: string | undefined, variable: string | undefined, flagName: string, variableName: string): number {
  const value = flag ?? (variable === '' ? undefined : variable);
  if (value === undefined) return 600;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1 || seconds > 86_400) {
    throw new SettingsError(`${flag !== undefined ? `--${flagName}` : variableName} must be a whole number of seconds between 1 and 86400 but received "${value}"`);
  }
  return seconds;
}

function parseBooleanEnv(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false;
  throw new SettingsError(`${name} must be 1 or 0 but received "${value}"`);
}
