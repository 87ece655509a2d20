/**
 * The promise of issue 4: "the MP4 plays in Chromium". A real `atelier serve` renders the notebook's video, and a real
 * headless Chromium loads it in a `<video>` tag from Atelier's own URL, plays it, seeks near the end (HTTP Range) and
 * draws the frame to a canvas, so we know the browser decoded pictures and not just read a header.
 *
 * Needs a Chromium binary (Debian: `apt-get install chromium`); the test skips with a printed reason without one.
 * playwright-core only drives it: it downloads nothing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFfmpeg } from '../../src/engine/video/encoders/ffmpeg-detection.ts';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

const chromiumCandidates = [process.env.ATELIER_TEST_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
  .filter((candidate): candidate is string => Boolean(candidate));
const chromiumPath = chromiumCandidates.find((candidate) => existsSync(candidate));
if (!chromiumPath) console.log(`Chromium playback test skipped: no Chromium at ${chromiumCandidates.join(', ')} (apt-get install chromium, or set ATELIER_TEST_CHROMIUM)`);

const ffmpeg = await detectFfmpeg();
if (!ffmpeg.available) console.log(`Chromium playback of the ffmpeg encoder's MP4 skipped: no usable ffmpeg on PATH (${ffmpeg.reason})`);

/** Each encoder Atelier can choose, by the value of `ATELIER_FFMPEG`. */
const encoders = [
  { name: 'h264-mp4-encoder (bundled)', ffmpegSetting: 'off', available: true },
  { name: 'system ffmpeg', ffmpegSetting: 'ffmpeg', available: ffmpeg.available },
];

interface Playback {
  canPlayType: string;
  width: number;
  height: number;
  duration: number;
  playedTo: number;
  seekedTo: number;
  frameMeanLuma: number;
  decodedFrames: number;
}

let directory: string;
let photoPath: string;
let photoMeanLuma: number;
let browser: Browser | undefined;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-chromium-'));
  photoPath = join(directory, 'photo.jpg');
  const photo = await makePhotoLikeImage(640, 480, 'jpeg');
  await writeFile(photoPath, photo);
  const { channels } = await sharp(photo).stats();
  photoMeanLuma = (channels[0].mean + channels[1].mean + channels[2].mean) / 3;
  if (chromiumPath) browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rm(directory, { recursive: true, force: true });
});

describe.skipIf(!chromiumPath)('an image-to-video MP4 in Chromium', () => {
  for (const encoder of encoders) {
    it.skipIf(!encoder.available)(`plays, seeks and shows the picture: ${encoder.name}`, async () => {
      const server: SpawnedServer = await spawnServer({
        args: ['--data-dir', join(directory, `data-${encoder.ffmpegSetting}`), '--input-root', directory],
        env: { ATELIER_FFMPEG: encoder.ffmpegSetting },
      });
      try {
        // The notebook's request, unchanged.
        const response = await fetch(`${server.url}/aog/v0.2/services/image-to-video`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'wan2.2-i2v-plus', image: photoPath, image_type: 'path', prompt: 'Make the clouds move slowly' }),
        });
        const answer = (await response.json()) as { id: string; data: string };
        expect(response.status, JSON.stringify(answer)).toBe(200);

        const page = await browser!.newPage();
        // Same origin as the video, so the canvas may read the decoded frame.
        await page.goto(`${server.url}/health`);
        const playback = await page.evaluate(playInVideoTag, answer.data);
        await page.close();

        expect(playback.canPlayType).not.toBe('');
        expect(playback.width).toBe(960); // 720P keeps 4:3 → 960×720
        expect(playback.height).toBe(720);
        expect(playback.duration).toBeCloseTo(5, 1);
        expect(playback.playedTo).toBeGreaterThan(0); // the clock moved: frames were decoded in real time
        expect(playback.seekedTo).toBeGreaterThan(4); // seeking needs Range requests to work
        expect(playback.decodedFrames).toBeGreaterThan(0);
        // A decoded picture, not a black or green frame: close to the photo's own brightness.
        expect(Math.abs(playback.frameMeanLuma - photoMeanLuma)).toBeLessThan(30);
      } finally {
        await server.stop();
      }
    }, 120_000);
  }
});

/** Runs in the page: load, play half a second, seek near the end, draw the frame and measure it. */
async function playInVideoTag(url: string): Promise<Playback> {
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  document.body.append(video);
  const failed = () => new Error(`media error ${video.error?.code}: ${video.error?.message}`);
  await new Promise<void>((resolve, reject) => {
    video.onloadeddata = () => resolve();
    video.onerror = () => reject(failed());
    video.src = url;
  });
  await video.play();
  await new Promise((resolve) => setTimeout(resolve, 600));
  const playedTo = video.currentTime;
  video.pause();
  await new Promise<void>((resolve, reject) => {
    video.onseeked = () => resolve();
    video.onerror = () => reject(failed());
    video.currentTime = video.duration - 0.5;
  });
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext('2d')!;
  context.drawImage(video, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0;
  for (let index = 0; index < pixels.length; index += 4) sum += pixels[index] + pixels[index + 1] + pixels[index + 2];
  return {
    canPlayType: video.canPlayType('video/mp4; codecs="avc1.42E01E"'),
    width: video.videoWidth,
    height: video.videoHeight,
    duration: video.duration,
    playedTo,
    seekedTo: video.currentTime,
    frameMeanLuma: sum / (pixels.length / 4) / 3,
    decodedFrames: video.getVideoPlaybackQuality().totalVideoFrames,
  };
}
