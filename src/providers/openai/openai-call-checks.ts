import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import { checkImageEditCall, checkTextLimit } from '../shared/image-edit-call-checks.ts';
import { sniffMediaType } from '../shared/sniff-media-type.ts';
import type { GenerationCall } from '../spec/generation-call.ts';
import type { CallParameters } from '../spec/provider-model.ts';
import type { OpenAiModelCapabilities } from './openai-capabilities.ts';
import { openAiDisplayName } from './openai-error.ts';
import { openAiOptionsPrefix, parseOpenAiOptions, type OpenAiOptions } from './openai-options.ts';

/** One file part of the form. */
export interface FilePart {
  bytes: Buffer;
  mediaType: string;
}

/** A call's parameters as this OpenAI model takes them, once checked. */
export interface CheckedOpenAiParameters {
  options: OpenAiOptions;
  prompt: string;
  /** `size` as OpenAI spells it (`1024x1024`, `auto`). */
  size?: string;
  /** `extra_images`, decoded: sent after the input image. */
  extraImages: FilePart[];
}

const extraImageFormats = ['image/png', 'image/jpeg', 'image/webp'];
const extraImageMaxBytes = 50 * 1024 * 1024 - 1;

/**
 * Everything this model would refuse that can be judged without the input image: the options and which of them the
 * model takes, `n`, the prompt, size, output format and the extra images. `checkParameters` runs it before a task
 * exists and `start` runs it again, so both throw the same error.
 *
 * @throws GatewayError `provider_cannot_serve` or `parameter_invalid`.
 */
export function checkOpenAiParameters(call: CallParameters, model: OpenAiModelCapabilities): CheckedOpenAiParameters {
  const options = parseOpenAiOptions(call.providerOptions);
  checkImageEditCall(call, { provider: openAiDisplayName, endpoint: 'images/edits' });
  if (call.prompt === undefined || call.prompt.trim() === '') {
    throw new GatewayError('parameter_invalid', { parameter: 'prompt', expected: 'a non-empty prompt (OpenAI image edits require one)', received: describeReceived(call.prompt) });
  }
  checkTextLimit('prompt', call.prompt, model.parameters.prompt?.maxLength, model.id);
  const gptOnly: Array<keyof OpenAiOptions> = ['quality', 'background', 'output_compression', 'input_fidelity', 'size', 'extra_images'];
  for (const name of model.family === 'dall-e-2' ? gptOnly : ['response_format' as const]) {
    if (options[name] !== undefined) {
      throw new GatewayError('parameter_invalid', {
        parameter: `${openAiOptionsPrefix}.${name}`,
        expected: model.family === 'dall-e-2' ? 'nothing: dall-e-2 does not take this option (GPT image models do)' : `nothing: ${model.id} always returns base64 (response_format is for dall-e-2)`,
        received: describeReceived(options[name]),
      });
    }
  }
  if (options.input_fidelity !== undefined && !model.inputFidelity) {
    throw new GatewayError('parameter_invalid', { parameter: `${openAiOptionsPrefix}.input_fidelity`, expected: `nothing: ${model.id} does not take input_fidelity`, received: describeReceived(options.input_fidelity) });
  }
  if (options.background === 'transparent') {
    if (!model.transparentBackground) {
      throw new GatewayError('parameter_invalid', { parameter: `${openAiOptionsPrefix}.background`, expected: `opaque or auto (${model.id} refuses transparent)`, received: describeReceived(options.background) });
    }
    if (call.outputFormat === 'jpeg') {
      throw new GatewayError('parameter_invalid', { parameter: 'output_format', expected: 'png or webp (a transparent background needs an alpha channel)', received: describeReceived(call.outputFormat) });
    }
  }
  if (options.output_compression !== undefined && call.outputFormat !== 'jpeg' && call.outputFormat !== 'webp') {
    throw new GatewayError('parameter_invalid', { parameter: `${openAiOptionsPrefix}.output_compression`, expected: 'nothing unless output_format is jpeg or webp', received: describeReceived(options.output_compression) });
  }
  const size = resolveSize(call.size, options.size, model);
  return { options, prompt: call.prompt, size, extraImages: decodeExtraImages(options.extra_images ?? [], model) };
}

function resolveSize(size: GenerationCall['size'], optionSize: 'auto' | undefined, model: OpenAiModelCapabilities): string | undefined {
  if (size === undefined) return optionSize;
  const written = `${size.width}x${size.height}`;
  if (optionSize !== undefined) {
    throw new GatewayError('parameter_invalid', { parameter: 'size', expected: `either size or ${openAiOptionsPrefix}.size, not both`, received: describeReceived(written) });
  }
  if (model.sizes.includes(written)) return written;
  if (model.freeformSizes) {
    const { width, height } = size;
    const fits = width % 16 === 0 && height % 16 === 0 && Math.max(width, height) <= 3840 && Math.min(width, height) <= 2160
      && Math.max(width, height) <= 3 * Math.min(width, height);
    if (fits) return written;
    throw new GatewayError('parameter_invalid', {
      parameter: 'size', expected: `a size for ${model.id} with both sides divisible by 16, aspect between 1:3 and 3:1, within 3840x2160`, received: describeReceived(written),
    });
  }
  throw new GatewayError('parameter_invalid', { parameter: 'size', expected: `one of: ${model.sizes.join(', ')} (${model.id} output sizes)`, received: describeReceived(written) });
}

/** The extra images, counted against the model's limit (the input image is one more) and decoded. */
function decodeExtraImages(values: readonly string[], model: OpenAiModelCapabilities): FilePart[] {
  const extraImages = values.map(decodeExtraImage);
  if (1 + extraImages.length > model.maxImages) {
    throw new GatewayError('parameter_invalid', {
      parameter: `${openAiOptionsPrefix}.extra_images`, expected: `at most ${model.maxImages - 1} extra images for ${model.id}`, received: `${extraImages.length} images`,
    });
  }
  return extraImages;
}

function decodeExtraImage(value: string, index: number): FilePart {
  const parameter = `${openAiOptionsPrefix}.extra_images.${index}`;
  const base64 = value.replace(/^data:image\/[a-z+.-]+;base64,/i, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new GatewayError('parameter_invalid', { parameter, expected: 'bare base64 or a data:image/...;base64, URI', received: describeReceived(value) });
  }
  const bytes = Buffer.from(base64, 'base64');
  const mediaType = sniffMediaType(bytes);
  if (mediaType === undefined || !extraImageFormats.includes(mediaType)) {
    throw new GatewayError('parameter_invalid', { parameter, expected: 'a PNG, JPEG or WebP image', received: mediaType ?? 'bytes that are not an image' });
  }
  if (bytes.length > extraImageMaxBytes) {
    throw new GatewayError('parameter_invalid', { parameter, expected: 'an image under 50 MB', received: `${bytes.length} bytes` });
  }
  return { bytes, mediaType };
}
