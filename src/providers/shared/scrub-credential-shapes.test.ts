/**
 * Review of the credential-shape scrub applied to every provider message and code. What it misses reaches responses,
 * task rows and webhooks; what it over-matches makes a provider's explanation unreadable.
 */
import { describe, expect, it } from 'vitest';
import { truncateProviderMessage } from './http-status-verdict.ts';
import { scrubCredentialPatterns } from './scrub-credential-patterns.ts';

describe('credential shapes an upstream may echo', () => {
  it.each([
    ['a bearer token in lower case (the scheme is case-insensitive; proxies normalise it)', 'authorization: bearer sk-lowercase0123456789abcd', 'sk-lowercase0123456789abcd'],
    ['an Authorization header of another scheme', 'Authorization: Basic dXNlcjpwYXNzd29yZDEyMzQ1Njc4', 'dXNlcjpwYXNzd29yZDEyMzQ1Njc4'],
    ['an echoed JSON api_key', '{"api_key": "sk-json0123456789abcdef"}', 'sk-json0123456789abcdef'],
    ['a quoted api_key assignment', 'api_key="sk-quoted0123456789abcd"', 'sk-quoted0123456789abcd'],
    ['an x-api-key header', 'x-api-key: sk-header0123456789abcd', 'sk-header0123456789abcd'],
    ['a CDN auth_key URL parameter', 'https://cdn.example.com/x.png?auth_key=1700000000-0-0-0123456789abcdef0123456789abcdef', '0123456789abcdef0123456789abcdef'],
    ['a token URL parameter', 'https://files.example.com/x.png?token=signed-token-value-0123456789', 'signed-token-value-0123456789'],
  ])('drops %s', (_case, text, credential) => {
    expect(scrubCredentialPatterns(text)).not.toContain(credential);
    expect(truncateProviderMessage(text)).not.toContain(credential.slice(0, 12));
  });

  it.each([
    'Use Bearer authentication for this endpoint',
    'Authorization failed: check the key',
    'The image is too large: Signature of the file is fine, size 9000×9000',
    'Invalid token: it has expired',
    'Incorrect API key provided: sk-abc***xyz. You can find your API key at https://platform.openai.com/account/api-keys.',
  ])('keeps ordinary provider text as it is: %s', (text) => {
    expect(scrubCredentialPatterns(text)).toBe(text);
  });
});
