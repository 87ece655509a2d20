import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';

/** A trimmed setting, or undefined when it is absent or blank (an empty env var means "not set"). */
export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Checks a provider base URL at start-up: absolute http(s), no query string and no credentials (they would end up
 * in logs). Returns it without trailing slashes.
 *
 * @param variable the environment variable named in the error, e.g. `OPENAI_BASE_URL`
 * @param example a valid value shown in the error
 */
export function checkBaseUrl(value: string, variable: string, example: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.search !== '' || parsed.username !== '') {
    throw new GatewayError('parameter_invalid', { parameter: variable, expected: `an absolute http(s) URL such as ${example}`, received: describeReceived(parsed ? withoutSecrets(parsed) : value) });
  }
  return value.replace(/\/+$/, '');
}

/** The URL as an error may quote it: credentials and query string (where a key could sit) replaced by `***`. */
function withoutSecrets(url: URL): string {
  const credentials = url.username !== '' || url.password !== '' ? '***@' : '';
  return `${url.protocol}//${credentials}${url.host}${url.pathname}${url.search !== '' ? '?***' : ''}`;
}
