import { shortenText } from '../../text/character-length.ts';
import { redactSecrets } from '../../logging/logger.ts';
import { scrubCredentialPatterns } from './scrub-credential-patterns.ts';
import type { ErrorCode } from '../../errors/catalogue.ts';
import type { ErrorParameters } from '../../errors/gateway-error.ts';

/** What an error answer means in catalogue terms; built by an adapter's `<id>-error.ts` or by `httpStatusVerdict`. */
export interface ErrorVerdict {
  code: ErrorCode;
  parameters: ErrorParameters;
  /** Overrides the catalogue's `retryable` (e.g. a provider 5xx on a billable submit). */
  retryable?: boolean;
}

/**
 * The provider-agnostic meaning of an HTTP error status, for answers an adapter does not recognise.
 * 401/403 → auth, 402 → quota, 404/410 → retired endpoint, 408 → timeout, 429 → throttled, 5xx → unavailable,
 * other 4xx → invalid request.
 */
export function httpStatusVerdict(provider: string, status: number, providerCode: string, providerMessage: string, timeoutMs = 0): ErrorVerdict {
  if (status === 401 || status === 403) return { code: 'upstream_auth_failed', parameters: { provider, providerCode } };
  if (status === 402) return { code: 'upstream_quota_exceeded', parameters: { provider, providerCode, providerMessage } };
  if (status === 404 || status === 410) return { code: 'upstream_endpoint_retired', parameters: { provider, detail: `HTTP ${status} ${providerCode}`.trim() } };
  if (status === 408) return { code: 'upstream_timeout', parameters: { provider, timeoutMs } };
  if (status === 429) return { code: 'upstream_rate_limited', parameters: { provider, providerCode, attempts: 0 } };
  if (status >= 500) return { code: 'upstream_unavailable', parameters: { provider, reason: `HTTP ${status}${providerCode ? ` ${providerCode}` : ''}` } };
  return { code: 'upstream_invalid_request', parameters: { provider, providerCode, providerMessage } };
}

/**
 * Shortens a provider message for an error: secrets scrubbed, one line, at most 200 characters, so upstream bodies
 * never reach a response whole (AOG leaked headers and bodies this way).
 */
export function truncateProviderMessage(message: unknown, secrets: readonly string[] = []): string {
  return typeof message === 'string' ? scrubAndShorten(message, secrets, 200) : '';
}

/**
 * The same for a provider's error code (or type, or param): scrubbed, one line, at most 80 characters. Codes come
 * from the provider's body like messages do, and an upstream that echoes the Authorization header may put it in
 * any field; codes reach responses and task rows through the error templates.
 */
export function truncateProviderCode(code: unknown, secrets: readonly string[] = []): string {
  return typeof code === 'string' || typeof code === 'number' ? scrubAndShorten(String(code), secrets, 80) : '';
}

function scrubAndShorten(text: string, secrets: readonly string[], maxLength: number): string {
  // Providers sometimes echo the key they rejected, or the whole Authorization header; scrub them before anything else.
  let scrubbed = redactSecrets(text);
  for (const secret of secrets) if (secret.length > 0) scrubbed = scrubbed.split(secret).join('[redacted]');
  scrubbed = scrubCredentialPatterns(scrubbed);
  const oneLine = scrubbed.replace(/\s+/g, ' ').trim();
  return shortenText(oneLine, maxLength);
}
