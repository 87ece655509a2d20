import { createHash } from 'node:crypto';
import { decodeBase64Input } from '../input/decode-base64-input.ts';
import { DecodedBase64 } from '../input/inline-base64-text.ts';
import type { GenerationRequest, InputReference } from '../services/generation-request.ts';

/**
 * SHA-256 of a value's canonical JSON (object keys sorted, `undefined` members dropped), so that the same request
 * sent again with its keys in another order still counts as the same body for `Idempotency-Key`. An image read from
 * the body as bytes (`DecodedBase64`) counts by its own SHA-256 and length: the same image, however it was encoded.
 */
export function hashRequest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/**
 * The `Idempotency-Key` hash of a request and its webhook URL. Every base64 input counts by its decoded bytes, so
 * one image is one request whether it came bare, as a `data:` URI, with line breaks, or read from the body as bytes
 * (large values always are).
 */
export function hashGenerationRequest(request: GenerationRequest, webhookUrl: string | undefined): string {
  return hashRequest({ request: { ...request, image: byDecodedBytes(request.image), mask: request.mask && byDecodedBytes(request.mask) }, webhookUrl });
}

/**
 * A base64 input given as text, decoded. Text that does not decode stays text: preparation refuses it with the
 * reason before any task exists, so its hash never names one. No size limit here: the body limit bounds the text.
 */
function byDecodedBytes(reference: InputReference): InputReference {
  if (reference.type !== 'base64' || typeof reference.value !== 'string') return reference;
  try {
    const bytes = decodeBase64Input(reference.value, { parameter: 'image', maxBytes: Number.MAX_SAFE_INTEGER });
    return { ...reference, value: new DecodedBase64(bytes, 0) };
  } catch {
    return reference;
  }
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
