import { GatewayError, describeReceived } from '../errors/gateway-error.ts';

/** AOG flavors Atelier installs, with the provider id and the keys `auth_key` must hold. */
const flavors = {
  aliyun: { providerId: 'aliyun', keys: ['api_key'] },
  dashscope: { providerId: 'aliyun', keys: ['api_key'] },
  tencent: { providerId: 'tencent', keys: ['secret_id', 'secret_key'] },
  stepfun: { providerId: 'stepfun', keys: ['api_key'] },
  openai: { providerId: 'openai', keys: ['api_key'] },
} as const;

export type Flavor = keyof typeof flavors;
export const installableFlavors = Object.keys(flavors) as Flavor[];

/** Optional keys `auth_key` may add next to the credentials. */
const optionalKeys = ['base_url', 'region', 'endpoint', 'session_token'];

/**
 * Turns AOG's install arguments (`--flavor aliyun --auth_key '{"api_key":"…"}'`) into the provider settings stored
 * in config.json. The key itself is never echoed in errors.
 */
export function providerSettingsFromInstall(flavor: string, authKey: string | undefined): { providerId: string; settings: Record<string, string> } {
  if (!(flavor in flavors)) {
    throw new GatewayError('parameter_invalid', { parameter: 'api_flavor', expected: `one of: ${installableFlavors.join(', ')}`, received: describeReceived(flavor) });
  }
  const { providerId, keys } = flavors[flavor as Flavor];
  let parsed: unknown;
  try {
    parsed = JSON.parse(authKey ?? '');
  } catch {
    throw new GatewayError('parameter_invalid', { parameter: 'auth_key', expected: `a JSON string such as {"${keys[0]}":"…"}`, received: 'text that is not JSON' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError('parameter_invalid', { parameter: 'auth_key', expected: `a JSON object with ${keys.join(' and ')}`, received: describeReceived(parsed) });
  }
  const values = parsed as Record<string, unknown>;
  const settings: Record<string, string> = {};
  for (const key of keys) {
    if (typeof values[key] !== 'string' || values[key] === '') {
      throw new GatewayError('parameter_invalid', { parameter: `auth_key.${key}`, expected: 'a non-empty string', received: values[key] === undefined ? 'nothing' : 'another value' });
    }
    settings[key] = values[key] as string;
  }
  for (const key of optionalKeys) if (typeof values[key] === 'string' && values[key] !== '') settings[key] = values[key] as string;
  return { providerId, settings };
}
