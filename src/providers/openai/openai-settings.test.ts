import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../test/fakes/caught-gateway-error.ts';
import { openAiProvider } from './index.ts';
import { defaultOpenAiBaseUrl, readOpenAiSettings } from './openai-settings.ts';

describe('OpenAI settings', () => {
  it('is not configured without a key for a remote base URL', () => {
    expect(readOpenAiSettings({ env: {}, file: {} })).toBeUndefined();
    expect(readOpenAiSettings({ env: { OPENAI_BASE_URL: 'https://llm.example.com/v1' }, file: {} })).toBeUndefined();
  });

  it('reads the key with the documented default base URL', () => {
    expect(readOpenAiSettings({ env: { OPENAI_API_KEY: 'sk-test-123456' }, file: {} })).toMatchObject({
      apiKey: 'sk-test-123456', baseUrl: 'https://api.openai.com/v1', organization: undefined, project: undefined,
    });
    expect(defaultOpenAiBaseUrl).toBe('https://api.openai.com/v1');
  });

  it('needs no key for a loopback base URL (a local OpenAI-compatible server)', () => {
    for (const baseUrl of ['http://127.0.0.1:1234/v1/', 'http://localhost:8080/v1', 'http://[::1]:7860/v1', 'http://sd.localhost:7860/v1']) {
      const settings = readOpenAiSettings({ env: { OPENAI_BASE_URL: baseUrl }, file: {} });
      expect(settings?.apiKey).toBeUndefined();
      expect(settings?.baseUrl).toBe(baseUrl.replace(/\/$/, ''));
    }
    for (const baseUrl of ['http://10.0.0.5/v1', 'http://127.example.com/v1', 'http://localhost.example.com/v1']) {
      expect(readOpenAiSettings({ env: { OPENAI_BASE_URL: baseUrl }, file: {} })).toBeUndefined();
    }
  });

  it('falls back to the config file, with organization and project', () => {
    expect(readOpenAiSettings({ env: { OPENAI_PROJECT_ID: 'proj_env' }, file: { openai: { api_key: 'sk-file-123456', base_url: 'https://proxy.example.com/v1', organization: 'org-file', project: 'proj_file' } } }))
      .toMatchObject({ apiKey: 'sk-file-123456', baseUrl: 'https://proxy.example.com/v1', organization: 'org-file', project: 'proj_env' });
  });

  it('refuses a malformed base URL naming the variable', () => {
    const error = thrownBy(() => readOpenAiSettings({ env: { OPENAI_API_KEY: 'sk-test-123456', OPENAI_BASE_URL: 'api.openai.com' }, file: {} }));
    expect(error.message).toBe('Expected an absolute http(s) URL such as https://api.openai.com/v1 for OPENAI_BASE_URL but received "api.openai.com" (string)');
  });

  it('never quotes the credentials or query string that make a base URL refused (either may hold a key)', () => {
    const error = thrownBy(() => readOpenAiSettings({ env: { OPENAI_API_KEY: 'sk-test-123456', OPENAI_BASE_URL: 'https://user:sk-in-userinfo-0123@proxy.example/v1?key=sk-in-query-4567' }, file: {} }));
    expect(error.message).toBe('Expected an absolute http(s) URL such as https://api.openai.com/v1 for OPENAI_BASE_URL but received "https://***@proxy.example/v1?***" (string)');
  });

  it('declares the key as its only secret (none for keyless local servers) and alpha masks', () => {
    expect(openAiProvider.secretsOf(readOpenAiSettings({ env: { OPENAI_API_KEY: 'sk-test-123456' }, file: {} })!)).toEqual(['sk-test-123456']);
    expect(openAiProvider.secretsOf(readOpenAiSettings({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1' }, file: {} })!)).toEqual([]);
    expect(openAiProvider.capabilities.models.every((model) => model.maskConvention === 'alpha')).toBe(true);
    expect(openAiProvider.capabilities.displayName).toContain('loopback');
  });
});
