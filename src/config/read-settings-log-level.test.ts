import { describe, expect, it } from 'vitest';
import { readSettings } from './read-settings.ts';

// docs/configuration.md: "Invalid values stop start-up with a message naming the flag or variable".
describe('an invalid log level', () => {
  it('names ATELIER_LOG_LEVEL when the variable gave it', () => {
    expect(() => readSettings([], { ATELIER_LOG_LEVEL: 'verbose' }))
      .toThrow('ATELIER_LOG_LEVEL must be one of debug, info, warn, error, silent but received "verbose"');
  });

  it('names --log-level when the flag gave it', () => {
    expect(() => readSettings(['--log-level', 'loud'], { ATELIER_LOG_LEVEL: 'info' }))
      .toThrow('--log-level must be one of debug, info, warn, error, silent but received "loud"');
  });
});
