import { describe, expect, it } from 'vitest';
import { SettingsError } from '../config/read-settings.ts';
import { readTaskSettings } from './task-settings.ts';

describe('task settings', () => {
  it('has defaults', () => {
    expect(readTaskSettings({})).toEqual({
      concurrency: {}, maxAttempts: 3, webhookAttempts: 6,
      deadlineMilliseconds: { 'image-to-image': 900_000, 'image-to-video': 1_800_000 },
    });
  });

  it('reads every variable', () => {
    expect(readTaskSettings({
      ATELIER_CONCURRENCY: 'local=2, aliyun=4', ATELIER_TASK_ATTEMPTS: '5', ATELIER_TASK_DEADLINE_IMAGE_SECONDS: '60',
      ATELIER_TASK_DEADLINE_VIDEO_SECONDS: '3600', ATELIER_MAX_POLL_INTERVAL_MS: '100', ATELIER_WEBHOOK_ATTEMPTS: '2',
    })).toEqual({
      concurrency: { local: 2, aliyun: 4 }, maxAttempts: 5, webhookAttempts: 2, maxPollIntervalMilliseconds: 100,
      deadlineMilliseconds: { 'image-to-image': 60_000, 'image-to-video': 3_600_000 },
    });
  });

  it('refuses bad values with a message naming the variable, never clamping', () => {
    expect(() => readTaskSettings({ ATELIER_TASK_ATTEMPTS: '0' })).toThrow('ATELIER_TASK_ATTEMPTS must be an integer between 1 and 10 but received "0"');
    expect(() => readTaskSettings({ ATELIER_TASK_ATTEMPTS: '2.5' })).toThrow(SettingsError);
    expect(() => readTaskSettings({ ATELIER_CONCURRENCY: 'local' })).toThrow(/ATELIER_CONCURRENCY must look like "local=2,aliyun=4"/);
    expect(() => readTaskSettings({ ATELIER_CONCURRENCY: 'local=0' })).toThrow(/ATELIER_CONCURRENCY/);
    expect(() => readTaskSettings({ ATELIER_TASK_DEADLINE_VIDEO_SECONDS: '5' })).toThrow(/between 10 and 86400/);
  });
});
