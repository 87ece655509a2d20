/** `data:<mediaType>;base64,<data>` for an image already sniffed by the input module (the real MIME type, spec §7). */
export function toDataUri(bytes: Buffer, mediaType: string): string {
  return `data:${mediaType};base64,${bytes.toString('base64')}`;
}
