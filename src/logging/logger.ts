/**
 * A small structured logger (JSON lines on stderr) that scrubs every registered secret from what it writes, so
 * provider keys cannot reach a log even when an upstream echoes them back in an error.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const levelOrder: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

const registeredSecrets = new Set<string>();

/** Registers a credential so that loggers and `redactSecrets` replace it with `[redacted]`. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 6) registeredSecrets.add(secret);
}

/** Replaces every registered secret in `text`. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const secret of registeredSecrets) result = result.split(secret).join('[redacted]');
  return result;
}

export function createLogger(options: { level?: LogLevel; write?: (line: string) => void } = {}): Logger {
  const threshold = levelOrder[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const log = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
    if (levelOrder[level] < threshold) return;
    const entry = { time: new Date().toISOString(), level, message, ...serializeFields(fields) };
    write(redactSecrets(JSON.stringify(entry)));
  };
  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
  };
}

function serializeFields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!fields) return {};
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    result[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return result;
}

/** A logger that drops everything (tests, in-process CLI runs). */
export const silentLogger: Logger = createLogger({ level: 'silent' });
