/** `data:<mediaType>;base64,<data>` for an image already sniffed by the input module (the real MIME type, spec §7). */
export function toDataUri(bytes: Buffer, mediaType: string): string {
  return `data:${mediaType};base64,${bytes.toString('base64')}`;
}

/** The base64 part of a `data:` URI; any other text unchanged (for providers that may answer either way). */
export function withoutDataUriPrefix(text: string): string {
  return text.replace(/^data:[^,]*,/, '');
}
