/**
 * Review of the install/import key reading: an `auth_key` of the wrong shape must be refused without quoting it, since
 * whatever the client put there is most likely the key itself (`"sk-…"` sent as a JSON string instead of an object).
 */
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import { providerSettingsFromInstall } from './install-provider.ts';

const secret = 'sk-review-secret-0123456789abcdef';

function refusalOf(authKey: string): string {
  try {
    providerSettingsFromInstall('aliyun', authKey);
  } catch (error) {
    expect(GatewayError.isInstance(error)).toBe(true);
    return JSON.stringify({ message: (error as Error).message, parameters: (error as GatewayError).parameters });
  }
  throw new Error('the auth_key was accepted');
}

describe('providerSettingsFromInstall never quotes the auth_key it refuses', () => {
  it('names the JSON kind, not the value, of an auth_key that is a JSON string instead of an object', () => {
    const refusal = refusalOf(JSON.stringify(secret));
    expect(refusal).not.toContain(secret.slice(0, 12));
    expect(refusal).toContain('a JSON string');
  });

  it('names only the kind of an optional entry of the wrong type (session_token is a secret too)', () => {
    const refusal = refusalOf(JSON.stringify({ api_key: secret, session_token: 73501234567 }));
    expect(refusal).not.toContain('73501234567');
    expect(refusal).toContain('auth_key.session_token');
  });
});
