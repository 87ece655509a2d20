import { createHash } from 'node:crypto';
import { DecodedBase64 } from '../input/inline-base64-text.ts';

/**
 * SHA-256 of a value's canonical JSON (object keys sorted, `undefined` members dropped), so that the same request
 * sent again with its keys in another order still counts as the same body for `Idempotency-Key`. An image read from
 * the body as bytes (`DecodedBase64`) counts by its own SHA-256 and length: the same image, however it was encoded.
 */
export function hashRequest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof DecodedBase64) {
    const sha256 = value.sha256 ?? createHash('sha256').update(value.bytes).digest('hex');
    return canonicalJson({ decodedImageSha256: sha256, decodedImageBytes: value.bytes.length });
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}
