import type { OpenAiSettings } from '../../src/providers/openai/openai-settings.ts';
import type { OpenAiFake } from './openai-fake-server.ts';

/** Settings pointing at an OpenAI fake, with test-friendly limits (like `fakeSettings` for DashScope). */
export function openAiFakeSettings(fake: OpenAiFake, overrides: Partial<OpenAiSettings> = {}): OpenAiSettings {
  return {
    apiKey: fake.apiKey ?? undefined, baseUrl: fake.baseUrl, requestTimeoutMs: 5_000, downloadTimeoutMs: 5_000,
    throttleAttempts: 4, throttleBaseDelayMs: 1_000, maxResponseBytes: 50 * 1024 * 1024, ...overrides,
  };
}
