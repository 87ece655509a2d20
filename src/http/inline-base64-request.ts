import type { InlineBase64Text } from '../input/inline-base64-text.ts';
import type { GenerationRequest, InputReference } from '../services/generation-request.ts';

/** The body fields the AOG generation routes read as bytes when they carry base64, and where they go. */
export const inlineBase64Fields = ['image', 'mask'] as const;

/**
 * Puts the base64 values read from the body's bytes (`readJsonObjectWithInlineBase64`) into a request built from
 * the body, in place of their stand-in strings: `image` → `request.image`, `mask` → `request.mask`. For base64
 * types the decoded bytes go (not the text: see `DecodedBase64`); for a path or URL type, the string itself.
 */
export function withInlineBase64(request: GenerationRequest, inline: ReadonlyMap<string, InlineBase64Text>): GenerationRequest {
  const image = inline.get('image');
  const mask = inline.get('mask');
  if (!image && !mask) return request;
  return {
    ...request,
    image: image ? resolve(request.image, image) : request.image,
    mask: mask && request.mask ? resolve(request.mask, mask) : request.mask,
  };
}

function resolve(reference: InputReference, text: InlineBase64Text): InputReference {
  return { ...reference, value: reference.type === 'base64' ? text.decoded() : text.toString() };
}
