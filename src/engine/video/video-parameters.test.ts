import { describe, expect, it } from 'vitest';
import { validateVideoParameters, videoFrameSize } from './video-parameters.ts';

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('validateVideoParameters', () => {
  it('fills the defaults: 5 s, 720P, 24 fps, 120 frames', () => {
    expect(validateVideoParameters({})).toEqual({ durationSeconds: 5, resolution: '720P', fps: 24, frames: 120, seed: 0 });
    expect(validateVideoParameters({ duration: 3, resolution: '480P' })).toMatchObject({ frames: 72, resolution: '480P' });
  });

  it('rejects out-of-range values instead of clamping them', () => {
    expect(messageOf(() => validateVideoParameters({ duration: 6 }))).toBe(
      'parameter_invalid: Expected an integer number of seconds between 3 and 5 for duration but received 6 (number)',
    );
    expect(messageOf(() => validateVideoParameters({ duration: 2 }))).toMatch(/^parameter_invalid: .* for duration but received 2 \(number\)$/);
    expect(messageOf(() => validateVideoParameters({ duration: 4.5 }))).toMatch(/for duration but received 4.5/);
    expect(messageOf(() => validateVideoParameters({ resolution: '4K' }))).toBe(
      'parameter_invalid: Expected one of: 480P, 720P, 1080P for resolution but received "4K" (string)',
    );
    expect(messageOf(() => validateVideoParameters({ resolution: '720p' }))).toMatch(/for resolution/);
    expect(messageOf(() => validateVideoParameters({ fps: 120 }))).toMatch(/between 8 and 30 for fps/);
    expect(messageOf(() => validateVideoParameters({ seed: -1 }))).toMatch(/for seed but received -1/);
  });
});

describe('videoFrameSize', () => {
  it('makes the shorter side the resolution and keeps the aspect ratio with sides rounded to 16', () => {
    expect(videoFrameSize(1024, 1024, '720P')).toEqual({ width: 720, height: 720 });
    expect(videoFrameSize(1920, 1080, '720P')).toEqual({ width: 1280, height: 720 });
    expect(videoFrameSize(1920, 1080, '1080P')).toEqual({ width: 1920, height: 1080 });
    expect(videoFrameSize(1080, 1920, '480P')).toEqual({ width: 480, height: 848 });
    expect(videoFrameSize(4000, 3000, '480P')).toEqual({ width: 640, height: 480 });
    for (const [width, height] of [[451, 300], [333, 1000], [1234, 999]] as const) {
      const size = videoFrameSize(width, height, '720P');
      expect(Math.min(size.width, size.height)).toBe(720);
      expect(size.width % 2 + (size.height % 2)).toBe(0);
      expect(Math.abs(size.width / size.height - width / height)).toBeLessThan(0.02);
    }
  });

  it('refuses pictures too elongated for a video', () => {
    expect(messageOf(() => videoFrameSize(4000, 1000, '720P'))).toBe(
      'parameter_invalid: Expected an image whose aspect ratio is between 1:3.75 and 3.75:1 for image but received 4000×1000',
    );
  });
});
