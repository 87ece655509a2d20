import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../test/fakes/caught-gateway-error.ts';
import { stepfunProvider } from './index.ts';
import { defaultStepFunBaseUrl, isPastRetirement, readStepFunSettings } from './stepfun-settings.ts';

const beforeRetirement = new Date('2026-10-09T15:59:59Z');
const afterRetirement = new Date('2026-10-09T16:00:00Z'); // 2026-10-10 00:00 in China (UTC+8)

describe('StepFun settings', () => {
  it('is not configured without a key', () => {
    expect(readStepFunSettings({ env: {}, file: {} }, beforeRetirement)).toBeUndefined();
  });

  it('reads the key with the documented defaults before the retirement date', () => {
    expect(readStepFunSettings({ env: { STEPFUN_API_KEY: 'step-key-123456' }, file: {} }, beforeRetirement)).toMatchObject({
      apiKey: 'step-key-123456', baseUrl: 'https://api.stepfun.com/v1', models: ['step-2x-large'], ignoreRetirement: false,
    });
    expect(defaultStepFunBaseUrl).toBe('https://api.stepfun.com/v1');
  });

  it('reads the config file when the environment is silent, environment first otherwise', () => {
    const settings = readStepFunSettings({
      env: { STEPFUN_BASE_URL: 'https://api.stepfun.ai/v1/' },
      file: { stepfun: { api_key: 'file-key-123456', base_url: 'https://ignored.example/v1', models: 'step-2x-large, step-1x-medium' } },
    }, beforeRetirement);
    expect(settings).toMatchObject({ apiKey: 'file-key-123456', baseUrl: 'https://api.stepfun.ai/v1', models: ['step-2x-large', 'step-1x-medium'] });
  });

  it('turns itself off on StepFun\'s hosts once 2026-10-10 (China time) has come', () => {
    const env = { STEPFUN_API_KEY: 'step-key-123456' };
    expect(readStepFunSettings({ env, file: {} }, afterRetirement)).toBeUndefined();
    expect(readStepFunSettings({ env: { ...env, STEPFUN_BASE_URL: 'https://api.stepfun.ai/v1' }, file: {} }, afterRetirement)).toBeUndefined();
    expect(readStepFunSettings({ env: { ...env, STEPFUN_IGNORE_RETIREMENT: '1' }, file: {} }, afterRetirement)?.ignoreRetirement).toBe(true);
    // A compatible server elsewhere is not covered by StepFun's announcement.
    expect(readStepFunSettings({ env: { ...env, STEPFUN_BASE_URL: 'http://127.0.0.1:9000/v1' }, file: {} }, afterRetirement)?.baseUrl).toBe('http://127.0.0.1:9000/v1');
    expect(isPastRetirement('https://api.stepfun.com/v1', beforeRetirement)).toBe(false);
    expect(isPastRetirement('https://api.stepfun.com/v1', afterRetirement)).toBe(true);
  });

  it('refuses malformed values, naming the variable', () => {
    const env = { STEPFUN_API_KEY: 'step-key-123456' };
    expect(thrownBy(() => readStepFunSettings({ env: { ...env, STEPFUN_BASE_URL: 'ftp://x' }, file: {} }, beforeRetirement)).message).toContain('STEPFUN_BASE_URL');
    expect(thrownBy(() => readStepFunSettings({ env: { ...env, STEPFUN_MODELS: 'bad model!' }, file: {} }, beforeRetirement)).message)
      .toBe('Expected a comma-separated list of model ids such as step-2x-large for STEPFUN_MODELS but received "bad model!" (string)');
    expect(thrownBy(() => readStepFunSettings({ env: { ...env, STEPFUN_IGNORE_RETIREMENT: 'maybe' }, file: {} }, beforeRetirement)).message).toContain('STEPFUN_IGNORE_RETIREMENT');
  });

  it('declares the key as its secret and the retirement dates as data', () => {
    const settings = readStepFunSettings({ env: { STEPFUN_API_KEY: 'step-key-123456' }, file: {} }, beforeRetirement)!;
    expect(stepfunProvider.secretsOf(settings)).toEqual(['step-key-123456']);
    expect(stepfunProvider.capabilities.models.map((model) => [model.id, model.retiredOn])).toEqual([['step-2x-large', '2026-10-10'], ['step-1x-medium', '2026-07-08']]);
  });
});
