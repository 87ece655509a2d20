/**
 * Credentials recognised by their shape rather than their value. Upstreams echo the request's Authorization header
 * or a signed URL back in error text; keys Atelier holds are scrubbed by value (`redactSecrets`), but what surrounds
 * them is a credential too: a TC3 signature replays its request for five minutes, a signed URL's query opens the
 * object, and a bearer token Atelier never registered (one being rotated, a proxy's) is still somebody's key.
 */
const credentialPatterns: ReadonlyArray<[RegExp, string]> = [
  [/\bBearer\s+[\w.~+/-]{8,}=*/g, 'Bearer [redacted]'],
  // TC3 (`Credential=AKID…/date/service/tc3_request, … Signature=hex`), OSS, S3 and COS signed-URL parameters.
  [/\b(credential|signature|sig|x-amz-signature|x-amz-credential|x-amz-security-token|security-token|ossaccesskeyid|q-signature|access_token|api[_-]?key)=[^\s&,;"'<>]+/gi, '$1=[redacted]'],
];

/** Replaces every credential-shaped token in `text` with `[redacted]`, keeping the name that introduces it. */
export function scrubCredentialPatterns(text: string): string {
  return credentialPatterns.reduce((scrubbed, [pattern, replacement]) => scrubbed.replace(pattern, replacement), text);
}
