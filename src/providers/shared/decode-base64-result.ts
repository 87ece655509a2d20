import type { GenerationOutput } from '../spec/generation-call.ts';
import { malformedAnswer } from './malformed-answer.ts';
import { sniffMediaType } from './sniff-media-type.ts';

/**
 * Decodes a result image a provider returned as base64 inside its answer; the media type comes from the magic
 * bytes, never from the provider's word.
 *
 * @param base64 Bare base64 (strip a `data:` prefix first with `withoutDataUriPrefix` where a provider may send one).
 * @param where The provider's display name and the answer field, both named in the error.
 * @throws GatewayError `upstream_bad_response` when the bytes are not an image.
 * @example decodeBase64Result(item.b64_json, { provider: 'OpenAI', field: 'data[].b64_json' });
 */
export function decodeBase64Result(base64: string, where: { provider: string; field: string }): GenerationOutput {
  const bytes = Buffer.from(base64, 'base64');
  const mediaType = sniffMediaType(bytes);
  if (mediaType === undefined || !mediaType.startsWith('image/')) throw malformedAnswer(where.provider, `${where.field} is not a base64 image`);
  return { bytes, mediaType };
}
