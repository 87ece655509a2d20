import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { ImageInput } from '../../providers/spec/generation-call.ts';
import { WorkerPool } from '../workers/worker-pool.ts';
import { detectFfmpeg } from './encoders/ffmpeg-detection.ts';
import { listMotions, motionIds, renderVideo } from './index.ts';
import { inspectMp4 } from './mp4/mp4-boxes.ts';

/** A 640×400 test photo substitute: gradients and a few shapes, so the encoder has real content. */
async function testImage(width = 640, height = 400): Promise<ImageInput> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#4a90d9"/><stop offset="1" stop-color="#f2d49b"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#sky)"/>
    <circle cx="${width * 0.7}" cy="${height * 0.3}" r="${height * 0.12}" fill="#fff6c0"/>
    <rect x="0" y="${height * 0.65}" width="${width}" height="${height * 0.35}" fill="#2f6b3a"/>
    <rect x="${width * 0.2}" y="${height * 0.4}" width="${width * 0.15}" height="${height * 0.3}" fill="#7a4b2a"/>
  </svg>`;
  const bytes = await sharp(Buffer.from(svg)).png().toBuffer();
  return { bytes, mediaType: 'image/png', width, height, hasAlpha: false };
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile(file, args, (error, stdout) => (error ? reject(error) : resolve(stdout))));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const ffmpeg = await detectFfmpeg();
const ffprobeAvailable = await run('ffprobe', ['-version']).then(() => true, () => false);
if (!ffmpeg.available) console.log(`ffmpeg tests skipped: no usable ffmpeg on PATH (${ffmpeg.reason})`);
if (!ffprobeAvailable) console.log('ffprobe check skipped: ffprobe is not on PATH');

describe('renderVideo', () => {
  const pool = new WorkerPool(1);
  let image: ImageInput;
  let workDirectory: string;
  beforeAll(async () => {
    image = await testImage();
    workDirectory = await mkdtemp(join(tmpdir(), 'atelier-video-test-'));
  });
  afterAll(async () => {
    await pool.close();
    await rm(workDirectory, { recursive: true, force: true });
  });

  it('makes a playable H.264 MP4 with the bundled encoder: moov first, avc1, 24 fps, requested duration, aspect kept', async () => {
    const progress: number[] = [];
    const result = await renderVideo(
      { image, duration: 3, resolution: '480P', onProgress: (percent) => progress.push(percent) },
      { pool, ffmpegPath: null },
    );
    expect(result.encoder).toBe('h264-mp4-encoder');
    expect(result.output.mediaType).toBe('video/mp4');
    expect({ width: result.width, height: result.height, frames: result.frames, durationSeconds: result.durationSeconds }).toEqual({
      width: 768, height: 480, frames: 72, durationSeconds: 3,
    });
    expect(result.applied).toEqual(['ken-burns']);
    expect(result.warnings).toEqual([]);

    const summary = inspectMp4(result.output.bytes);
    expect(summary.topLevel[0]).toBe('ftyp');
    expect(summary.topLevel.indexOf('moov')).toBeLessThan(summary.topLevel.indexOf('mdat'));
    expect(summary.videoTracks).toHaveLength(1);
    const track = summary.videoTracks[0];
    expect(track.codec).toBe('avc1');
    expect(track.sampleCount).toBe(72);
    expect(track.durationSeconds).toBeCloseTo(3, 2);
    expect(summary.movieDurationSeconds).toBeCloseTo(3, 2);
    expect([track.width % 2, track.height % 2]).toEqual([0, 0]);
    expect(track.width / track.height).toBeCloseTo(640 / 400, 1);

    expect(progress.at(-1)).toBe(100);
    expect(progress).toEqual([...progress].sort((first, second) => first - second));

    if (ffprobeAvailable) {
      const path = join(workDirectory, 'bundled.mp4');
      await writeFile(path, result.output.bytes);
      const probe = JSON.parse(
        await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,pix_fmt,width,height,nb_frames,r_frame_rate', '-of', 'json', path]),
      ) as { streams: Array<Record<string, unknown>> };
      expect(probe.streams[0]).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: 768, height: 480, nb_frames: '72', r_frame_rate: '24/1' });
      // A full decode finds no corrupt frame.
      if (ffmpeg.available) await run('ffmpeg', ['-v', 'error', '-xerror', '-i', path, '-f', 'null', '-']);
    }
  });

  it('answers a subject action with camera motion and a warning', async () => {
    const result = await renderVideo({ image, prompt: '让猫在草地上奔跑', duration: 3, resolution: '480P' }, { pool, ffmpegPath: null });
    expect(result.applied).toEqual(['zoom-in']);
    expect(result.warnings).toEqual([
      { type: 'unsupported', feature: 'prompt', details: expect.stringContaining('subject motion is not generated; applied zoom-in camera motion') },
    ]);
  });

  it('applies EXIF orientation before sizing the video', async () => {
    // Stored 400 wide × 640 high, displayed rotated by 90° (orientation 6): a landscape 640×400 picture.
    const stored = await sharp(image.bytes).rotate(-90).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const result = await renderVideo(
      { image: { bytes: stored, mediaType: 'image/jpeg', width: 400, height: 640, hasAlpha: false }, duration: 3, resolution: '480P', motion: 'zoom-out' },
      { pool, ffmpegPath: null },
    );
    expect({ width: result.width, height: result.height }).toEqual({ width: 768, height: 480 });
  });

  it('rejects out-of-range duration and resolution before doing any work', async () => {
    const tooLong = await rejection(renderVideo({ image, duration: 10 }, { pool, ffmpegPath: null }));
    expect(GatewayError.isInstance(tooLong) && tooLong.code).toBe('parameter_invalid');
    expect((tooLong as Error).message).toBe('Expected an integer number of seconds between 3 and 5 for duration but received 10 (number)');
    const unknownResolution = await rejection(renderVideo({ image, resolution: '2K' as '720P' }, { pool, ffmpegPath: null }));
    expect((unknownResolution as Error).message).toBe('Expected one of: 480P, 720P, 1080P for resolution but received "2K" (string)');
  });

  it('reports a damaged image as input_image_corrupt', async () => {
    const truncated = image.bytes.subarray(0, 200);
    const error = await rejection(renderVideo({ image: { ...image, bytes: Buffer.from(truncated) }, duration: 3 }, { pool, ffmpegPath: null }));
    expect(GatewayError.isInstance(error) && error.code).toBe('input_image_corrupt');
  });

  it('refuses an image over the pixel limit from its header, before decoding', async () => {
    const error = await rejection(renderVideo({ image, duration: 3 }, { pool, ffmpegPath: null, maxInputPixels: 1000 }));
    expect(GatewayError.isInstance(error) && error.code).toBe('input_pixels_exceeded');
  });

  it('stops between frames when the signal aborts and rejects with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('canceled by test');
    let sawProgress = false;
    const promise = renderVideo(
      {
        image, duration: 5, resolution: '720P', signal: controller.signal,
        onProgress: (percent) => {
          if (percent > 0 && !sawProgress) {
            sawProgress = true;
            controller.abort(reason);
          }
        },
      },
      { pool, ffmpegPath: null },
    );
    expect(await rejection(promise)).toBe(reason);
    expect(sawProgress).toBe(true);
    // The worker is free again: a new render completes.
    const next = await renderVideo({ image, duration: 3, resolution: '480P' }, { pool, ffmpegPath: null });
    expect(next.frames).toBe(72);
  });

  it('falls back to the bundled encoder when the configured ffmpeg does not exist', async () => {
    const lines: string[] = [];
    const logger = { debug: () => {}, info: (message: string, fields?: Record<string, unknown>) => lines.push(`${message} ${JSON.stringify(fields)}`), warn: (message: string) => lines.push(message), error: () => {} };
    const result = await renderVideo({ image, duration: 3, resolution: '480P' }, { pool, ffmpegPath: '/nonexistent/ffmpeg', logger });
    expect(result.encoder).toBe('h264-mp4-encoder');
    expect(lines).toContain('the configured ffmpeg is not usable; using h264-mp4-encoder');
    expect(lines.some((line) => line.startsWith('video encoder {"encoder":"h264-mp4-encoder"'))).toBe(true);
  });

  it('encodes again with the bundled encoder when ffmpeg passes detection but fails on the frames', async () => {
    // A stand-in "ffmpeg" that answers the detection probes and then fails like a broken install.
    const fakeFfmpeg = join(workDirectory, 'broken-ffmpeg');
    await writeFile(
      fakeFfmpeg,
      '#!/bin/sh\ncase "$*" in *-version*) echo "ffmpeg version fake";; *-encoders*) echo " V..... libx264";; *) echo "boom" >&2; exit 1;; esac\n',
      { mode: 0o755 },
    );
    const warnings: string[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: (message: string) => warnings.push(message), error: () => {} };
    const progress: number[] = [];
    const result = await renderVideo(
      { image, duration: 3, resolution: '480P', onProgress: (percent) => progress.push(percent) },
      { pool, ffmpegPath: fakeFfmpeg, logger },
    );
    expect(result.encoder).toBe('h264-mp4-encoder');
    expect(inspectMp4(result.output.bytes).videoTracks[0].sampleCount).toBe(72);
    expect(warnings).toEqual(['ffmpeg failed; encoding again with h264-mp4-encoder']);
    expect(progress).toEqual([...progress].sort((first, second) => first - second));
  });

  it.skipIf(!ffmpeg.available)('uses a system ffmpeg when one is on PATH: libx264, yuv420p, moov first', async () => {
    const result = await renderVideo({ image, prompt: 'Make ripples on the water surface', duration: 3, resolution: '480P' }, { pool });
    expect(result.encoder).toBe('ffmpeg');
    expect(result.applied).toEqual(['ripple']);
    const summary = inspectMp4(result.output.bytes);
    expect(summary.topLevel.indexOf('moov')).toBeLessThan(summary.topLevel.indexOf('mdat'));
    expect(summary.videoTracks[0]).toMatchObject({ codec: 'avc1', width: 768, height: 480, sampleCount: 72 });
    expect(summary.videoTracks[0].durationSeconds).toBeCloseTo(3, 2);
    if (ffprobeAvailable) {
      const path = join(workDirectory, 'ffmpeg.mp4');
      await writeFile(path, result.output.bytes);
      const probe = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,pix_fmt', '-of', 'csv=p=0', path]);
      expect(probe.trim()).toBe('h264,yuv420p');
    }
  });
});

describe('listMotions', () => {
  it('lists every motion with English and Chinese keywords', () => {
    const motions = listMotions();
    expect(motions.map((motion) => motion.id)).toEqual([...motionIds]);
    for (const motion of motions) {
      expect(motion.description.length).toBeGreaterThan(10);
      expect(motion.keywords.en.length).toBeGreaterThan(0);
      expect(motion.keywords.zh.length).toBeGreaterThan(0);
    }
  });
});
