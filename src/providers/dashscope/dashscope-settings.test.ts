import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../config/read-settings.ts';
import { readDashScopeSettings } from './dashscope-settings.ts';

describe('DashScope rate settings', () => {
  it('reads DASHSCOPE_SUBMITS_PER_SECOND and DASHSCOPE_TASK_QUERIES_PER_SECOND', () => {
    const settings = readDashScopeSettings({ env: { DASHSCOPE_API_KEY: 'sk-test', DASHSCOPE_SUBMITS_PER_SECOND: '0.5', DASHSCOPE_TASK_QUERIES_PER_SECOND: '50' }, file: {} });
    expect(settings).toMatchObject({ submitsPerSecond: 0.5, taskQueriesPerSecond: 50 });
  });

  it('refuses a bad rate with a settings error naming the variable (start-up prints it, no stack trace), with or without a key', () => {
    for (const [variable, value] of [['DASHSCOPE_SUBMITS_PER_SECOND', 'fast'], ['DASHSCOPE_TASK_QUERIES_PER_SECOND', '0'], ['DASHSCOPE_SUBMITS_PER_SECOND', '10001']]) {
      const message = `${variable} must be a number of calls per second greater than 0 and at most 10000 but received "${value}"`;
      expect(() => readDashScopeSettings({ env: { DASHSCOPE_API_KEY: 'sk-test', [variable]: value }, file: {} })).toThrow(SettingsError);
      expect(() => readDashScopeSettings({ env: { DASHSCOPE_API_KEY: 'sk-test', [variable]: value }, file: {} })).toThrow(message);
      expect(() => readDashScopeSettings({ env: { [variable]: value }, file: {} })).toThrow(message);
    }
  });
});
