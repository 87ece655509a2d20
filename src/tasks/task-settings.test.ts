import { describe, expect, it } from 'vitest';
import { SettingsError } from '../config/read-settings.ts';
import { silentLogger } from '../logging/logger.ts';
import { ProviderCatalog } from '../providers/provider-catalog.ts';
import { providerDefinitions } from '../providers/registry.ts';
import type { ProviderDependencies } from '../providers/spec/provider-definition.ts';
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

  it('stores a concurrency given under a provider alias under the id the scheduler looks up, as routing resolves it', () => {
    expect(readTaskSettings({ ATELIER_CONCURRENCY: 'dashscope=4,LOCAL=2' }).concurrency).toEqual({ aliyun: 4, local: 2 });
    const catalog = new ProviderCatalog(providerDefinitions, { env: {}, file: {} }, { logger: silentLogger } as unknown as ProviderDependencies);
    for (const { capabilities } of providerDefinitions) {
      for (const name of [capabilities.id, ...capabilities.aliases]) {
        const id = catalog.findProvider(name)!.capabilities.id;
        expect(readTaskSettings({ ATELIER_CONCURRENCY: `${name}=3` }).concurrency, name).toEqual({ [id]: 3 });
      }
    }
  });

  it('refuses a concurrency for a name that is no provider (a typo), listing the valid ids, or for a provider named twice', () => {
    expect(() => readTaskSettings({ ATELIER_CONCURRENCY: 'locl=2' })).toThrow(SettingsError);
    expect(() => readTaskSettings({ ATELIER_CONCURRENCY: 'locl=2' })).toThrow(
      'ATELIER_CONCURRENCY must name providers by id (local, aliyun, tencent, stepfun, openai) or alias (GET /v1/providers lists them) but "locl" names none, in "locl=2"',
    );
    expect(() => readTaskSettings({ ATELIER_CONCURRENCY: 'local=2,constructor=1' })).toThrow(/"constructor" names none/);
    expect(() => readTaskSettings({ ATELIER_CONCURRENCY: 'aliyun=2,dashscope=4' })).toThrow('ATELIER_CONCURRENCY must name each provider once but names aliyun twice, in "aliyun=2,dashscope=4"');
  });
});
