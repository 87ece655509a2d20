/**
 * Everything that configures a running Atelier, validated once at start-up and then frozen.
 * Read by `readSettings` from command-line flags, then environment variables, then defaults.
 */
export interface Settings {
  host: string;
  port: number;
  /** Where the task database, stored files and config.json live (default `~/.atelier`). */
  dataDirectory: string;
  input: InputSettings;
  /** Largest accepted request body; must fit a 10 MB image in base64 plus the JSON around it. */
  bodyLimitBytes: number;
  /** Base of the URLs Atelier returns, e.g. `http://127.0.0.1:16688`. */
  publicUrl: string;
  /** AOG image-to-image success shape: `merged` satisfies every known AOG client (see docs/api.md). */
  imageToImageResponse: 'merged' | 'raw' | 'wrapped';
  /** How long synchronous AOG calls wait for their task before answering 504 with the task id. */
  syncWaitMilliseconds: { image: number; video: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /**
   * The ffmpeg the video engine uses when it runs and has libx264 (`ffmpeg` on PATH by default); `null` means never,
   * always the bundled h264-mp4-encoder.
   */
  ffmpegPath: string | null;
  /**
   * How long finished tasks, and stored files no remaining task references, are kept (`--retention`,
   * `ATELIER_RETENTION`, default 30 days); `null` keeps everything forever.
   */
  retentionMilliseconds: number | null;
}

export interface InputSettings {
  /** Directories path inputs must resolve into (after realpath). */
  roots: string[];
  /** Whether roots were given explicitly (flag or env); required for path inputs on a non-loopback bind. */
  rootsExplicit: boolean;
  allowPrivateUrls: boolean;
  /** Largest encoded input (image or mask), in bytes. */
  maxBytes: number;
  /** Largest decoded image, in pixels, checked from the header before decoding. */
  maxPixels: number;
  urlTimeoutMilliseconds: number;
  maxRedirects: number;
}

export const defaultPort = 16688;
export const defaultHost = '127.0.0.1';
export const defaultRetentionMilliseconds = 30 * 24 * 3_600_000;
