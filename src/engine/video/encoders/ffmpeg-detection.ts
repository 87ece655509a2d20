import { execFile } from 'node:child_process';

export interface FfmpegDetection {
  available: boolean;
  /** First line of `ffmpeg -version` when available. */
  version?: string;
  /** Why it is not used, when not available. */
  reason?: string;
}

const detections = new Map<string, Promise<FfmpegDetection>>();

/**
 * Whether `ffmpegPath` (default: `ffmpeg` on PATH) runs and has the libx264 encoder. Checked once per path and
 * remembered for the life of the process.
 */
export function detectFfmpeg(ffmpegPath = 'ffmpeg'): Promise<FfmpegDetection> {
  let detection = detections.get(ffmpegPath);
  if (!detection) {
    detection = probe(ffmpegPath);
    detections.set(ffmpegPath, detection);
  }
  return detection;
}

async function probe(ffmpegPath: string): Promise<FfmpegDetection> {
  try {
    const version = (await run(ffmpegPath, ['-hide_banner', '-version'])).split('\n')[0].trim();
    const encoders = await run(ffmpegPath, ['-hide_banner', '-encoders']);
    if (!/\blibx264\b/.test(encoders)) return { available: false, reason: `${version} has no libx264 encoder` };
    return { available: true, version };
  } catch (error) {
    return { available: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 10_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}
