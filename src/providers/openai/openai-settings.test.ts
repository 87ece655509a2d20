import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { openAiProvider } from './index.ts';
import { defaultOpenAiBaseUrl, isLoopbackUrl, readOpenAiSettings } from './openai-settings.ts';

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
    for (const baseUrl of ['http://127.0.0.1:1234/v1/', 'http://localhost:8080/v1', 'http://[::1]:7860/v1']) {
      const settings = readOpenAiSettings({ env: { OPENAI_BASE_URL: baseUrl }, file: {} });
      expect(settings?.apiKey).toBeUndefined();
      expect(settings?.baseUrl).toBe(baseUrl.replace(/\/$/, ''));
    }
    expect(isLoopbackUrl('http://10.0.0.5/v1')).toBe(false);
    expect(isLoopbackUrl('http://127.example.com/v1')).toBe(false);
  });

  it('falls back to the config file, with organization and project', () => {
    expect(readOpenAiSettings({ env: { OPENAI_PROJECT_ID: 'proj_env' }, file: { openai: { api_key: 'sk-file-123456', base_url: 'https://proxy.example.com/v1', organization: 'org-file', project: 'proj_file' } } }))
      .toMatchObject({ apiKey: 'sk-file-123456', baseUrl: 'https://proxy.example.com/v1', organization: 'org-file', project: 'proj_env' });
  });

  it('refuses a malformed base URL naming the variable', () => {
    let caught: unknown;
    try {
      readOpenAiSettings({ env: { OPENAI_API_KEY: 'sk-test-123456', OPENAI_BASE_URL: 'api.openai.com' }, file: {} });
    } catch (error) {
      caught = error;
    }
    expect(GatewayError.isInstance(caught) && caught.message).toBe('Expected an absolute http(s) URL such as https://api.openai.com/v1 for OPENAI_BASE_URL but received "api.openai.com" (string)');
  });

  it('declares the key as its only secret (none for keyless local servers) and alpha masks', () => {
    expect(openAiProvider.secretsOf(readOpenAiSettings({ env: { OPENAI_API_KEY: 'sk-test-123456' }, file: {} })!)).toEqual(['sk-test-123456']);
    expect(openAiProvider.secretsOf(readOpenAiSettings({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1' }, file: {} })!)).toEqual([]);
    expect(openAiProvider.capabilities.models.every((model) => model.maskConvention === 'alpha')).toBe(true);
    expect(openAiProvider.capabilities.displayName).toContain('loopback');
  });
});
