import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerSecret } from '../../logging/logger.ts';
import { TaskSettingsError } from '../task-settings.ts';

/** The file in the data directory that keeps a generated secret across restarts. */
export const webhookSecretFileName = 'webhook-secret';

/**
 * The secret webhooks are signed with: `ATELIER_WEBHOOK_SECRET` when set (at least 16 characters), otherwise the
 * one in `<data-dir>/webhook-secret`, generated (32 random bytes, hex, file mode 0600) the first time. Registered
 * with the logger's redaction either way.
 *
 * @throws TaskSettingsError when the environment variable is set but too short to be a secret, or has surrounding
 *   whitespace (it would be trimmed on one side of the signature and not on the other)
 */
export async function resolveWebhookSecret(dataDirectory: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const fromEnvironment = env.ATELIER_WEBHOOK_SECRET;
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    // Used exactly as given (receivers verify with the same text), so surrounding spaces are refused, not trimmed.
    if (fromEnvironment.trim() !== fromEnvironment) throw new TaskSettingsError('ATELIER_WEBHOOK_SECRET must not start or end with whitespace');
    if (fromEnvironment.length < 16) throw new TaskSettingsError('ATELIER_WEBHOOK_SECRET must be at least 16 characters long');
    registerSecret(fromEnvironment);
    return fromEnvironment;
  }
  const path = join(dataDirectory, webhookSecretFileName);
  let secret = (await readFile(path, 'utf8').catch(() => '')).trim();
  if (!secret) {
    const generated = randomBytes(32).toString('hex');
    try {
      await writeFile(path, `${generated}\n`, { mode: 0o600, flag: 'wx' });
      secret = generated;
    } catch {
      // Another process created it first: use theirs.
      secret = (await readFile(path, 'utf8')).trim();
    }
  }
  registerSecret(secret);
  return secret;
}
