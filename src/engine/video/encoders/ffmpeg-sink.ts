import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moveMoovToFront } from '../mp4/faststart.ts';
import type { FrameSink, FrameSinkOptions } from './frame-sink.ts';

/** libx264 settings: `veryfast` was the best speed/size point measured (engine notes §7.2); CRF 20 looks clean. */
export const ffmpegEncoderSettings = { preset: 'veryfast', crf: 20, keyFrameIntervalSeconds: 1 } as const;

/** The ffmpeg arguments for raw RGBA frames on stdin → H.264 yuv420p MP4 with `moov` first, at `outputPath`. */
export function ffmpegArguments(options: FrameSinkOptions, outputPath: string): string[] {
  return [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${options.width}x${options.height}`, '-framerate', String(options.fps), '-i', 'pipe:0',
    '-an', '-c:v', 'libx264', '-preset', ffmpegEncoderSettings.preset, '-crf', String(ffmpegEncoderSettings.crf),
    '-g', String(Math.round(options.fps * ffmpegEncoderSettings.keyFrameIntervalSeconds)),
    '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4', outputPath,
  ];
}

/**
 * H.264 through a system ffmpeg (libx264): frames are piped to its stdin as raw RGBA, it writes the MP4 to a
 * private temporary directory (`+faststart` needs a seekable file, not a pipe), which is read back and removed.
 */
export async function createFfmpegFrameSink(ffmpegPath: string, options: FrameSinkOptions): Promise<FrameSink> {
  const directory = await mkdtemp(join(tmpdir(), 'atelier-video-'));
  const outputPath = join(directory, 'video.mp4');
  const child = spawn(ffmpegPath, ffmpegArguments(options, outputPath), { stdio: ['pipe', 'ignore', 'pipe'] });
  let errorText = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    // Only the end matters for a failure message; keep memory bounded whatever ffmpeg prints.
    errorText = (errorText + chunk).slice(-2000);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  // A write after ffmpeg died fails with EPIPE; the exit code and stderr explain it better, so report those.
  child.stdin.on('error', () => undefined);
  const failure = async (): Promise<Error> => {
    const code = await exited.catch((error: Error) => error.message);
    return new Error(`ffmpeg failed (${typeof code === 'number' ? `exit code ${code}` : code}): ${errorText.trim() || 'no message'}`);
  };
  let finished = false;
  const cleanUp = () => rm(directory, { recursive: true, force: true });

  return {
    async write(frame) {
      if (child.exitCode !== null || child.stdin.destroyed) throw await failure();
      // A copy, because the caller reuses its buffer while the pipe may still hold this one.
      if (!child.stdin.write(Buffer.from(frame))) {
        await Promise.race([once(child.stdin, 'drain'), exited]);
        if (child.exitCode !== null) throw await failure();
      }
    },
    async finish() {
      finished = true;
      child.stdin.end();
      const code = await exited;
      try {
        if (code !== 0) throw await failure();
        return moveMoovToFront(new Uint8Array(await readFile(outputPath)));
      } finally {
        await cleanUp();
      }
    },
    async abort() {
      if (!finished && child.exitCode === null) {
        child.kill('SIGKILL');
        await exited.catch(() => undefined);
      }
      await cleanUp();
    },
  };
}
