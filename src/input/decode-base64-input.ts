import { GatewayError } from '../errors/gateway-error.ts';

const dataUriPattern = /^data:([\w.+-]+\/[\w.+-]+)?((?:;[\w-]+=[\w.+-]+)*);base64,/i;
const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes bare base64 or a `data:<type>;base64,` URI. Whitespace (line breaks from encoders) is tolerated;
 * anything else outside the base64 alphabet is refused rather than silently skipped, as Buffer.from would.
 * The size is checked on the encoded length, before any allocation.
 */
export function decodeBase64Input(text: string, options: { parameter: string; maxBytes: number }): Buffer {
  let payload = text.trimStart();
  if (/^data:/i.test(payload)) {
    const match = dataUriPattern.exec(payload);
    if (!match) throw new GatewayError('input_base64_invalid', { parameter: options.parameter, reason: 'a data: URI must look like data:image/png;base64,<data>' });
    payload = payload.slice(match[0].length);
  }
  if (Math.floor((payload.length * 3) / 4) > options.maxBytes * 1.05 + 1024) {
    throw new GatewayError('input_too_large', { parameter: options.parameter, limitBytes: options.maxBytes });
  }
  const compact = payload.replace(/\s+/g, '');
  if (compact.length === 0) throw new GatewayError('input_base64_invalid', { parameter: options.parameter, reason: 'it is empty' });
  if (!base64Pattern.test(compact)) {
    const bad = compact.match(/[^A-Za-z0-9+/=]/)?.[0];
    const reason = bad ? `it contains the character ${JSON.stringify(bad)}, which is not in the base64 alphabet` : 'padding (=) may only appear at the end';
    throw new GatewayError('input_base64_invalid', { parameter: options.parameter, reason });
  }
  if (compact.length % 4 === 1) throw new GatewayError('input_base64_invalid', { parameter: options.parameter, reason: 'its length is not a valid base64 length (truncated?)' });
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > options.maxBytes) throw new GatewayError('input_too_large', { parameter: options.parameter, limitBytes: options.maxBytes });
  return bytes;
}
