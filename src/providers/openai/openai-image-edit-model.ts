import { GatewayError } from '../../errors/gateway-error.ts';
import { toAlphaMask } from '../../input/normalize-mask.ts';
import { adaptInputImage } from '../shared/adapt-input-image.ts';
import { allowsInputChanges } from '../shared/adapt-input-option.ts';
import { downloadResult } from '../shared/download-result.ts';
import { decodeBase64Result } from '../shared/decode-base64-result.ts';
import { malformedAnswer } from '../shared/malformed-answer.ts';
import { reencodeResult } from '../shared/reencode-output.ts';
import { requestJson } from '../shared/request-json.ts';
import { afterBilledCall } from '../shared/ambiguous-failure.ts';
import { retryBillableCall } from '../shared/retry-billable-call.ts';
import type { GenerationCall, GenerationOutput } from '../spec/generation-call.ts';
import type { ProviderDependencies } from '../spec/provider-definition.ts';
import type { CallContext, CallParameters, ProviderModel, StartResult } from '../spec/provider-model.ts';
import type { Warning } from '../spec/warning.ts';
import { checkOpenAiParameters, type CheckedOpenAiParameters, type FilePart } from './openai-call-checks.ts';
import type { OpenAiModelCapabilities } from './openai-capabilities.ts';
import { openAiDisplayName, openAiErrorVerdict } from './openai-error.ts';
import { openAiOptionsPrefix } from './openai-options.ts';
import type { OpenAiSettings } from './openai-settings.ts';

/** The form fields other than files, in the order they are sent (all strings on the wire). */
export interface EditFields {
  prompt: string;
  model: string;
  n: string;
  size?: string;
  quality?: string;
  background?: string;
  output_format?: string;
  output_compression?: string;
  input_fidelity?: string;
  response_format?: string;
  user?: string;
}

/**
 * OpenAI `POST /images/edits` (multipart): image(s), an optional mask converted to OpenAI's convention
 * (transparent = edit), and every documented field. One call makes all `n` images. 429 answers are retried with
 * backoff honouring Retry-After (except quota codes); other failures are left to the scheduler. The base URL also
 * reaches OpenAI-compatible local servers (stable-diffusion.cpp, LocalAI), which need no key on loopback.
 *
 * @see /work/shared/specs/openai-images.md
 */
export class OpenAiImageEditModel implements ProviderModel {
  readonly providerId = 'openai';
  readonly modelId: string;

  constructor(
    private readonly model: OpenAiModelCapabilities,
    private readonly settings: OpenAiSettings,
    private readonly dependencies: ProviderDependencies,
  ) {
    this.modelId = model.id;
  }

  checkParameters(call: CallParameters): void {
    checkOpenAiParameters(call, this.model);
  }

  async start(call: GenerationCall, context: CallContext): Promise<StartResult> {
    context.signal.throwIfAborted();
    if (call.image === undefined) throw new GatewayError('parameter_missing', { parameter: 'image' });
    const parameters = checkOpenAiParameters(call, this.model);
    const warnings: Warning[] = [];
    const fields = this.buildFields(call, parameters, warnings);
    const { images, mask } = await this.buildFiles(call, parameters, warnings);
    const form = buildForm(images, mask, fields);

    const secrets = this.settings.apiKey ? [this.settings.apiKey] : [];
    const answer = await retryBillableCall(() => requestJson({
      provider: openAiDisplayName,
      fetch: this.dependencies.fetch,
      url: `${this.settings.baseUrl}/images/edits`,
      method: 'POST',
      headers: this.headers(),
      form,
      timeoutMs: this.settings.requestTimeoutMs,
      signal: context.signal,
      maxResponseBytes: this.settings.maxResponseBytes,
      mapError: ({ status, body, requestId }) => openAiErrorVerdict({ status, body }, requestId, secrets),
      now: this.dependencies.now,
      logger: this.dependencies.logger,
    }), {
      attempts: this.settings.throttleAttempts,
      sleep: this.dependencies.sleep,
      signal: context.signal,
      backoff: { baseMs: this.settings.throttleBaseDelayMs, maxMs: 60_000 },
    });

    // Reading the answer is part of the billed call's aftermath: a malformed one must not be resent either.
    const { outputs, returned } = await afterBilledCall(async () => {
      const items = readImageItems(answer.body);
      const read: GenerationOutput[] = [];
      const failures: unknown[] = [];
      for (const [index, item] of items.entries()) {
        try {
          read.push(await this.readItem(item, call, context));
        } catch (error) {
          if (context.signal.aborted) throw error;
          failures.push(error);
          // All of them were billed in one call: an image that cannot be read does not cost the others.
          warnings.push({ type: 'other', feature: 'n', details: `Result ${index + 1} of ${items.length} could not be read, so it is missing: ${GatewayError.isInstance(error) ? error.message : 'an unexpected error (see the server log)'}` });
        }
      }
      if (read.length === 0 && failures.length > 0) throw failures[0];
      return { outputs: read, returned: items.length };
    });
    if (returned < call.n) {
      warnings.push({ type: 'other', feature: 'n', details: `${call.n} images were asked for but the server returned ${returned}.` });
    }
    context.onProgress(100);
    return { status: 'completed', result: { outputs, warnings, usage: { images: outputs.length } } };
  }

  /** One item of the answer as an output: downloaded (URL) or decoded (base64), re-encoded when another format was asked for. */
  private async readItem(item: { url?: string; base64?: string }, call: GenerationCall, context: CallContext): Promise<GenerationOutput> {
    const output = item.url !== undefined
      ? await downloadResult(item.url, {
        fetch: this.dependencies.fetch, endpoint: this.settings.baseUrl, maxBytes: this.settings.maxResponseBytes, timeoutMs: this.settings.downloadTimeoutMs,
        signal: context.signal, expect: 'image', provider: openAiDisplayName,
      })
      : decodeBase64Result(item.base64 ?? '', { provider: openAiDisplayName, field: 'data[].b64_json' });
    // GPT image models honour output_format themselves; dall-e-2 (and some compatible servers) return PNG.
    return reencodeResult(output, call.outputFormat, { provider: openAiDisplayName, reason: 'a result image could not be decoded' });
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.settings.apiKey !== undefined) headers.Authorization = `Bearer ${this.settings.apiKey}`;
    if (this.settings.organization !== undefined) headers['OpenAI-Organization'] = this.settings.organization;
    if (this.settings.project !== undefined) headers['OpenAI-Project'] = this.settings.project;
    return headers;
  }

  /** The non-file fields of a checked call. */
  private buildFields(call: GenerationCall, { options, prompt, size }: CheckedOpenAiParameters, warnings: Warning[]): EditFields {
    const { model } = this;
    const fields: EditFields = { prompt, model: model.id, n: String(call.n) };
    if (size !== undefined) fields.size = size;
    if (options.quality !== undefined) fields.quality = options.quality;
    if (options.background !== undefined) fields.background = options.background;
    // stable-diffusion.cpp's edits make png or jpeg only (local-servers.md §3.1), so a local server is asked for png
    // and the result is re-encoded to webp here (OpenAI itself makes webp).
    const webpFromPng = this.settings.localServer === true && call.outputFormat === 'webp';
    if (call.outputFormat !== undefined && model.family === 'gpt-image') fields.output_format = webpFromPng ? 'png' : call.outputFormat;
    if (options.output_compression !== undefined && webpFromPng) {
      warnings.push({ type: 'unsupported', feature: 'output_compression', details: 'The local server at OPENAI_BASE_URL makes png or jpeg only: it was asked for png, and Atelier encoded the webp result at its own quality (92).' });
    } else if (options.output_compression !== undefined) {
      fields.output_compression = String(options.output_compression);
    }
    if (options.input_fidelity !== undefined) fields.input_fidelity = options.input_fidelity;
    // dall-e-2 defaults to URLs that expire in 60 minutes; base64 saves the second download.
    if (model.family === 'dall-e-2') fields.response_format = options.response_format ?? 'b64_json';
    if (options.user !== undefined) fields.user = options.user;

    if (call.seed !== undefined) warnings.push({ type: 'unsupported', feature: 'seed', details: 'OpenAI image edits take no seed: results are not reproducible.' });
    if (call.strength !== undefined) {
      warnings.push({ type: 'unsupported', feature: 'strength', details: `OpenAI image edits take no strength${model.inputFidelity ? `; ${openAiOptionsPrefix}.input_fidelity ("high" keeps more of the input) is the closest knob` : ''}.` });
    }
    if (call.negativePrompt !== undefined) warnings.push({ type: 'unsupported', feature: 'negative_prompt', details: 'OpenAI image edits take no negative prompt: say what to avoid in prompt.' });
    if (call.style !== undefined) warnings.push({ type: 'unsupported', feature: 'style', details: 'OpenAI image edits have no style parameter: describe the style in prompt.' });
    return fields;
  }

  /** The input image(s) within the model's limits, and the mask in OpenAI's convention. */
  private async buildFiles(call: GenerationCall, { options, extraImages }: CheckedOpenAiParameters, warnings: Warning[]): Promise<{ images: FilePart[]; mask?: FilePart }> {
    if (this.model.family === 'dall-e-2' && call.image.width !== call.image.height) {
      throw new GatewayError('provider_cannot_serve', {
        provider: `${openAiDisplayName} dall-e-2`, reason: `dall-e-2 edits need a square image and this one is ${call.image.width}×${call.image.height}; crop it or use a GPT image model`,
      });
    }
    const adapted = await adaptInputImage(call.image, call.mask, this.model.input, { target: `${openAiDisplayName} ${this.model.id}`, allowChanges: allowsInputChanges(options) });
    warnings.push(...adapted.warnings);
    const images: FilePart[] = [{ bytes: adapted.image.bytes, mediaType: adapted.image.mediaType }, ...extraImages];
    const mask = adapted.mask === undefined ? undefined : { bytes: await toAlphaMask(adapted.mask), mediaType: 'image/png' };
    if (mask !== undefined && images.length > 1) {
      warnings.push({ type: 'other', feature: 'mask', details: 'With several input images OpenAI applies the mask to the first one only.' });
    }
    return { images, mask };
  }
}

/** Builds the multipart body: `image` for one file, `image[]` for several (the SDK's bracket format). */
export function buildForm(images: readonly FilePart[], mask: FilePart | undefined, fields: EditFields): FormData {
  const form = new FormData();
  const partName = images.length === 1 ? 'image' : 'image[]';
  images.forEach((image, index) => {
    const extension = image.mediaType.replace('image/', '').replace('jpeg', 'jpg');
    // Real MIME types and file names: parts sent as application/octet-stream are reported to be refused (spec §2).
    form.append(partName, new Blob([new Uint8Array(image.bytes)], { type: image.mediaType }), `image-${index + 1}.${extension}`);
  });
  if (mask !== undefined) form.append('mask', new Blob([new Uint8Array(mask.bytes)], { type: 'image/png' }), 'mask.png');
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
  return form;
}

/** Reads `data[]`: each item has `b64_json` (GPT image models, compatible servers) or `url` (dall-e-2). */
export function readImageItems(body: unknown): Array<{ base64?: string; url?: string }> {
  const data = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).data : undefined;
  if (!Array.isArray(data) || data.length === 0) throw badResponse('the answer has no data[] images');
  return data.map((item: unknown, index) => {
    const record = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    if (typeof record.b64_json === 'string' && record.b64_json !== '') return { base64: record.b64_json };
    if (typeof record.url === 'string' && record.url !== '') return { url: record.url };
    throw badResponse(`data[${index}] has neither b64_json nor url`);
  });
}

function badResponse(reason: string): GatewayError {
  return malformedAnswer(openAiDisplayName, reason);
}
