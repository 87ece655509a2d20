import type { Context } from 'hono';
import type { InlineBase64Text } from '../input/inline-base64-text.ts';
import type { FileStore } from '../storage/file-store.ts';
import type { GenerationRequest, InputReference } from '../services/generation-request.ts';
import { readJsonObjectWithInlineBase64 } from './parse-json-body.ts';

/** The body fields the AOG generation routes read as bytes when they carry base64, and where they go. */
export const inlineBase64Fields = ['image', 'mask'] as const;

/**
 * Reads a generation body (`readJsonObjectWithInlineBase64` on `fields`) and hands it to `handle`; the routes that
 * take images (the AOG routes, `POST /v1/tasks`) all go through here. The image is written straight into the file
 * store's incoming files while it arrives (it is stored as sent unless it needs an EXIF rotation or a conversion;
 * a mask is always normalised into new bytes first, so writing it early would be wasted). Whatever `handle` did
 * not store — validation failed, the image was rotated, the task failed before its input was stored — is dropped
 * when it returns; stored files were moved away already, so dropping them does nothing.
 */
export async function handleGenerationBody<Result>(
  http: Context,
  fileStore: FileStore,
  fields: readonly string[],
  handle: (body: Record<string, unknown>, inlineBase64: ReadonlyMap<string, InlineBase64Text>) => Promise<Result>,
): Promise<Result> {
  const sinkFor = (field: string) => (field === 'image' ? fileStore.beginIncoming() : undefined);
  const { body, inlineBase64 } = await readJsonObjectWithInlineBase64(http, fields, { sinkFor });
  try {
    return await handle(body, inlineBase64);
  } finally {
    await Promise.all([...inlineBase64.values()].map((value) => value.written?.discard().catch(() => undefined)));
  }
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
