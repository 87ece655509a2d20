/**
 * `atelier serve` environment variables that only take effect deep in the composition root (the task system):
 * docs/configuration.md, "Invalid values stop start-up with a message naming the flag or variable".
 */
import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../src/config/read-settings.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { ProviderCatalog } from '../../src/providers/provider-catalog.ts';
import { providerDefinitions } from '../../src/providers/registry.ts';
import type { ProviderDependencies } from '../../src/providers/spec/provider-definition.ts';
import type { FileStore } from '../../src/storage/file-store.ts';
import { createTaskService } from '../../src/tasks/create-task-service.ts';
import { createMemoryTaskBackend } from '../../src/tasks/memory/create-memory-task-backend.ts';

const providerCatalog = new ProviderCatalog(providerDefinitions, { env: {}, file: {} }, { logger: silentLogger } as unknown as ProviderDependencies);

/** The task system as `createContext` starts it for `atelier serve`, in memory. */
function startTaskSystem(env: Record<string, string>, models = providerCatalog) {
  return createTaskService({
    dataDirectory: '/nonexistent', models, fileStore: {} as FileStore, logger: silentLogger,
    prepare: () => Promise.reject(new Error('not used')), publicUrl: 'http://atelier.test', allowPrivateUrls: false,
    env: { ...env, ATELIER_WEBHOOK_SECRET: 'a-secret-of-sixteen-chars' }, backend: createMemoryTaskBackend(), retentionMilliseconds: null,
  });
}

describe('atelier serve environment: ATELIER_CONCURRENCY', () => {
  it('naming no provider (a typo) stops start-up with a settings error instead of being ignored', async () => {
    const outcome = await startTaskSystem({ ATELIER_CONCURRENCY: 'locl=2' }).then(async (system) => {
      await system.close();
      return 'started';
    }, (error: unknown) => error);
    expect(outcome).toBeInstanceOf(SettingsError);
    expect(String(outcome)).toContain('ATELIER_CONCURRENCY');
    expect(String(outcome)).toContain('"locl"');
  });

  it('given under provider aliases, sets the limits the scheduler applies to the canonical provider ids', async () => {
    const system = await startTaskSystem({ ATELIER_CONCURRENCY: 'dashscope=4,Embedded=13' });
    try {
      expect(system.scheduler.limitFor('aliyun')).toBe(4);
      expect(system.scheduler.limitFor('local')).toBe(13);
      expect(system.scheduler.limitFor('tencent')).toBe(providerCatalog.findProvider('tencent')!.capabilities.defaultConcurrency);
    } finally {
      await system.close();
    }
  });
});

describe('atelier serve environment: an OpenAI-compatible local server', () => {
  const localServer = { OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1' };
  const catalogWith = (env: Record<string, string>) => new ProviderCatalog(providerDefinitions, { env, file: {} }, { logger: silentLogger } as unknown as ProviderDependencies);

  it('runs one job at a time by default (local-servers.md §0), OpenAI itself its declared default', async () => {
    const local = await startTaskSystem({}, catalogWith(localServer));
    const cloud = await startTaskSystem({}, catalogWith({ OPENAI_API_KEY: 'sk-serve-environment-test' }));
    try {
      expect(local.scheduler.limitFor('openai')).toBe(1);
      expect(cloud.scheduler.limitFor('openai')).toBe(providerCatalog.findProvider('openai')!.capabilities.defaultConcurrency);
      expect(cloud.scheduler.limitFor('openai')).toBeGreaterThan(1);
    } finally {
      await local.close();
      await cloud.close();
    }
  });

  it('still takes ATELIER_CONCURRENCY over that default', async () => {
    const system = await startTaskSystem({ ATELIER_CONCURRENCY: 'openai=3' }, catalogWith(localServer));
    try {
      expect(system.scheduler.limitFor('openai')).toBe(3);
    } finally {
      await system.close();
    }
  });
});
