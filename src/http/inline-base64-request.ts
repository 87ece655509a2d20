import type { DecodedBytesSink, InlineBase64Text } from '../input/inline-base64-text.ts';
import type { FileStore } from '../storage/file-store.ts';
import type { GenerationRequest, InputReference } from '../services/generation-request.ts';

/** The body fields the AOG generation routes read as bytes when they carry base64, and where they go. */
export const inlineBase64Fields = ['image', 'mask'] as const;

/**
 * Where the AOG routes write a field's decoded bytes while the body arrives: the image straight into the file
 * store's incoming files (it is stored as sent unless it needs an EXIF rotation or a conversion); the mask is
 * always normalised into new bytes first, so writing it early would be wasted.
 */
export function incomingFileFor(fileStore: FileStore): (field: string) => DecodedBytesSink | undefined {
  return (field) => (field === 'image' ? fileStore.beginIncoming() : undefined);
}

/**
 * Drops incoming files the request did not end up storing (validation failed, the image was rotated, the task
 * failed before its input was stored). Stored ones were moved away already: dropping them does nothing.
 */
export async function discardIncomingFiles(inline: ReadonlyMap<string, InlineBase64Text>): Promise<void> {
  await Promise.all([...inline.values()].map((value) => value.written?.discard().catch(() => undefined)));
}

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
