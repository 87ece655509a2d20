import { dashscopeProvider, type DashScopeSettings } from '../../src/providers/dashscope/index.ts';
import type { ProviderDependencies } from '../../src/providers/spec/provider-definition.ts';
import type { ProviderModel } from '../../src/providers/spec/provider-model.ts';
import type { DashScopeFake } from './dashscope-fake-server.ts';
import { fakeDependencies } from './fake-server-kit.ts';

/** Settings pointing at a DashScope fake, with test-friendly limits. */
export function fakeSettings(fake: DashScopeFake, overrides: Partial<DashScopeSettings> = {}): DashScopeSettings {
  return {
    apiKey: fake.apiKey, baseUrl: fake.baseUrl, requestTimeoutMs: 5_000, taskQueriesPerSecond: 20,
    maxResultBytes: 50 * 1024 * 1024, submitAttempts: 3, ...overrides,
  };
}

/** A DashScope model (canonical id or alias) wired to the fake, its clock and instant sleeps. */
export function fakeModel(
  fake: DashScopeFake,
  modelId: string,
  options: { settings?: Partial<DashScopeSettings>; dependencies?: Partial<ProviderDependencies> } = {},
): ProviderModel {
  return dashscopeProvider.createModel(modelId, fakeSettings(fake, options.settings), fakeDependencies(fake.clock, options.dependencies));
}
