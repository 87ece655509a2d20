/**
 * Credentials recognised by their shape rather than their value. Upstreams echo the request's Authorization header
 * or a signed URL back in error text; keys Atelier holds are scrubbed by value (`redactSecrets`), but what surrounds
 * them is a credential too: a TC3 signature replays its request for five minutes, a signed URL's query opens the
 * object, and a bearer token Atelier never registered (one being rotated, a proxy's) is still somebody's key.
 */
const credentialPatterns: ReadonlyArray<[RegExp, string]> = [
  // A header's whole value, whatever its scheme (Basic, a proxy's); only written as a header, so prose that says
  // "Authorization failed" is kept.
  [/\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:[\w-]+\s+)?[^\s"',;]{8,}/gi, '$1[redacted]'],
  // Any case (the scheme is case-insensitive); the token has a digit or a symbol, so "Bearer authentication" is prose.
  [/\b(bearer)\s+(?=[\w.~+/-]*[\d_.~+/-])[\w.~+/-]{8,}=*/gi, '$1 [redacted]'],
  // Key-named fields, echoed as JSON, an assignment or a header: `"api_key": "…"`, `api_key="…"`, `x-api-key: …`.
  [/\b((?:x-)?api[_-]?key|secret[_-]?key|access[_-]?token|auth[_-]?key)(["']?\s*[:=]\s*["']?)[^\s&,;"'<>]+/gi, '$1$2[redacted]'],
  // TC3 (`Credential=AKID…/date/service/tc3_request, … Signature=hex`), OSS, S3, COS and CDN signed-URL parameters.
  [/\b(credential|signature|sig|x-amz-signature|x-amz-credential|x-amz-security-token|security-token|ossaccesskeyid|q-signature|token)=[^\s&,;"'<>]+/gi, '$1=[redacted]'],
];

/** Replaces every credential-shaped token in `text` with `[redacted]`, keeping the name that introduces it. */
export function scrubCredentialPatterns(text: string): string {
  return credentialPatterns.reduce((scrubbed, [pattern, replacement]) => scrubbed.replace(pattern, replacement), text);
}
