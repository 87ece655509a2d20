/** File extensions Atelier stores, by media type; the one table both directions read. */
const extensionByMediaType: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'video/mp4': 'mp4',
};

const mediaTypeByExtension: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(extensionByMediaType).map(([mediaType, extension]) => [extension, mediaType]),
);

export function extensionForMediaType(mediaType: string): string {
  const extension = extensionByMediaType[mediaType];
  if (!extension) throw new Error(`no stored-file extension for media type ${mediaType}`);
  return extension;
}

export function mediaTypeForExtension(extension: string): string | undefined {
  return mediaTypeByExtension[extension];
}
