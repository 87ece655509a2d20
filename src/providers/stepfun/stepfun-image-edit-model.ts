import { GatewayError } from '../../errors/gateway-error.ts';
import { adaptInputImage } from '../shared/adapt-input-image.ts';
import { allowsInputChanges } from '../shared/adapt-input-option.ts';
import { toDataUri, withoutDataUriPrefix } from '../shared/data-uri.ts';
import { decodeBase64Result } from '../shared/decode-base64-result.ts';
import { downloadResult } from '../shared/download-result.ts';
import { isRecord } from '../shared/is-record.ts';
import { malformedAnswer } from '../shared/malformed-answer.ts';
import { reencodeResult } from '../shared/reencode-output.ts';
import { requestJson } from '../shared/request-json.ts';
import { afterBilledCall } from '../shared/ambiguous-failure.ts';
import { retryBillableCall } from '../shared/retry-billable-call.ts';
import type { GenerationCall, GenerationOutput } from '../spec/generation-call.ts';
import type { ProviderDependencies } from '../spec/provider-definition.ts';
import type { CallContext, CallParameters, ProviderModel, StartResult } from '../spec/provider-model.ts';
import type { Warning } from '../spec/warning.ts';
import { checkStepFunParameters, type CheckedStepFunParameters } from './stepfun-call-checks.ts';
import { stepfunEndpointRetirement, stepfunInputLimits, type StepFunModelCapabilities } from './stepfun-capabilities.ts';
import { stepfunDisplayName, stepfunErrorVerdict } from './stepfun-error.ts';
import { chinaMidnight, isOfficialStepFunHost, type StepFunSettings } from './stepfun-settings.ts';

/** The image2image body, in StepFun's field names and documented order. */
export interface Image2ImageBody {
  model: string;
  prompt: string;
  source_url: string;
  source_weight: number;
  size?: string;
  response_format: 'b64_json' | 'url';
  seed?: number;
  steps?: number;
  cfg_scale?: number;
}

/** StepFun's documented default closeness to the source (spec §5). */
const defaultSourceWeight = 0.5;

/**
 * StepFun `POST /v1/images/image2image`: synchronous, one image per request, so `n` > 1 makes n requests one after
 * another (output i uses seed + i when a seed was given). 429 answers are retried with backoff (honouring
 * Retry-After); a 404/410 or an "offline" answer is the non-retryable `upstream_endpoint_retired`.
 *
 * @see /work/shared/specs/stepfun.md
 */
export class StepFunImageEditModel implements ProviderModel {
  readonly providerId = 'stepfun';
  readonly modelId: string;

  constructor(
    private readonly model: StepFunModelCapabilities,
    private readonly settings: StepFunSettings,
    private readonly dependencies: ProviderDependencies,
  ) {
    this.modelId = model.id;
  }

  checkParameters(call: CallParameters): void {
    checkStepFunParameters(call);
  }

  async start(call: GenerationCall, context: CallContext): Promise<StartResult> {
    context.signal.throwIfAborted();
    if (call.image === undefined) throw new GatewayError('parameter_missing', { parameter: 'image' });
    const parameters = checkStepFunParameters(call);
    this.refuseRetiredOrDisabledModel();
    const warnings: Warning[] = [];
    const body = await this.buildBody(call, parameters, warnings);

    const outputs: GenerationOutput[] = [];
    for (let index = 0; index < call.n; index += 1) {
      const seed = body.seed === undefined ? undefined : body.seed + index;
      try {
        outputs.push(await this.generateOnce({ ...body, seed }, call, context));
      } catch (error) {
        if (context.signal.aborted || outputs.length === 0) throw error;
        if (!GatewayError.isInstance(error)) this.dependencies.logger.error('StepFun request failed unexpectedly', { error });
        // The earlier requests are billed: keep their images rather than failing the whole job.
        warnings.push({
          type: 'other',
          feature: 'n',
          details: `StepFun request ${index + 1} of ${call.n} failed, so ${outputs.length} image(s) are returned: ${GatewayError.isInstance(error) ? error.message : 'an unexpected error (see the server log)'}`,
        });
        break;
      }
      context.onProgress(Math.round(((index + 1) / call.n) * 100));
    }
    return { status: 'completed', result: { outputs, warnings, usage: { images: outputs.length } } };
  }

  /** Models are configuration (StepFun retires them): refuse one that is not enabled or is past its retirement. */
  private refuseRetiredOrDisabledModel(): void {
    if (!this.settings.models.includes(this.model.id)) {
      throw new GatewayError('provider_cannot_serve', {
        provider: stepfunDisplayName,
        reason: `the model ${this.model.id} is not enabled (STEPFUN_MODELS lists ${this.settings.models.join(', ')})`,
      });
    }
    const now = this.dependencies.now();
    const modelRetired = this.model.retiredOn !== undefined && now.getTime() >= chinaMidnight(this.model.retiredOn);
    if (modelRetired && isOfficialStepFunHost(this.settings.baseUrl) && !this.settings.ignoreRetirement) {
      throw new GatewayError('upstream_endpoint_retired', {
        provider: stepfunDisplayName,
        detail: `model ${this.model.id} went offline on ${this.model.retiredOn}; StepFun's image endpoints stop serving on ${stepfunEndpointRetirement.date}, see ${stepfunEndpointRetirement.announcement}`,
      });
    }
  }

  /** Maps the checked call and the StepFun options onto the image2image body, adapting the image to StepFun's limits. */
  private async buildBody(call: GenerationCall, { options, prompt, size }: CheckedStepFunParameters, warnings: Warning[]): Promise<Image2ImageBody> {
    if (call.mask) {
      warnings.push({ type: 'unsupported', feature: 'mask', details: 'StepFun image2image takes no mask, so the mask was not sent: StepFun edits the whole image (Atelier then restores the original pixels outside the mask).' });
    }
    if (call.style !== undefined) {
      warnings.push({ type: 'unsupported', feature: 'style', details: 'StepFun image2image has no style parameter: describe the style in prompt instead.' });
    }
    let seed = call.seed;
    if (seed === 0) {
      // StepFun reads 0 as "pick a random seed"; say so rather than pretend the result is reproducible.
      warnings.push({ type: 'unsupported', feature: 'seed', details: 'StepFun treats seed 0 as "random": the result is not reproducible; use a seed of 1 or more.' });
      seed = undefined;
    }

    const adapted = await adaptInputImage(call.image, undefined, stepfunInputLimits, {
      target: `${stepfunDisplayName} ${this.model.id}`, allowChanges: allowsInputChanges(options),
    });
    warnings.push(...adapted.warnings);

    const body: Image2ImageBody = {
      model: this.model.id,
      prompt,
      source_url: toDataUri(adapted.image.bytes, adapted.image.mediaType),
      // Both scales put "more change" at the larger number (spec §5), so strength passes through unchanged.
      source_weight: call.strength ?? options.source_weight ?? defaultSourceWeight,
      response_format: options.response_format ?? 'b64_json',
    };
    if (size !== undefined) body.size = size;
    if (seed !== undefined) body.seed = seed;
    if (options.steps !== undefined) body.steps = options.steps;
    if (options.cfg_scale !== undefined) body.cfg_scale = options.cfg_scale;
    return body;
  }

  /** One request (retried while throttled) and its image read into memory. */
  private async generateOnce(body: Image2ImageBody, call: GenerationCall, context: CallContext): Promise<GenerationOutput> {
    const secrets = [this.settings.apiKey];
    const answer = await retryBillableCall(() => requestJson({
      provider: stepfunDisplayName,
      fetch: this.dependencies.fetch,
      url: `${this.settings.baseUrl}/images/image2image`,
      method: 'POST',
      headers: { Authorization: `Bearer ${this.settings.apiKey}`, 'Content-Type': 'application/json' },
      body: dropUndefined(body),
      timeoutMs: this.settings.requestTimeoutMs,
      signal: context.signal,
      maxResponseBytes: this.settings.maxResponseBytes,
      mapError: (errorAnswer) => stepfunErrorVerdict(errorAnswer, body.model, secrets),
      now: this.dependencies.now,
      logger: this.dependencies.logger,
    }), {
      attempts: this.settings.throttleAttempts,
      sleep: this.dependencies.sleep,
      signal: context.signal,
      backoff: { baseMs: this.settings.throttleBaseDelayMs, maxMs: 30_000 },
    });

    const item = readFirstImage(answer.body);
    return afterBilledCall(async () => {
      const output = item.url !== undefined
        ? await downloadResult(item.url, {
          fetch: this.dependencies.fetch, endpoint: this.settings.baseUrl, maxBytes: this.settings.maxResponseBytes, timeoutMs: this.settings.downloadTimeoutMs,
          signal: context.signal, expect: 'image', provider: stepfunDisplayName,
        })
        : decodeBase64Result(withoutDataUriPrefix(item.base64 ?? ''), { provider: stepfunDisplayName, field: 'data[0].b64_json' });
      return reencodeResult(output, call.outputFormat, { provider: stepfunDisplayName });
    });
  }
}

/**
 * Reads `data[0]` of a 2xx answer: `b64_json` (or `image`, the name older doc revisions use) or `url`.
 * `finish_reason: "content_filtered"` is a moderation refusal, not a success.
 */
export function readFirstImage(body: unknown): { base64?: string; url?: string } {
  const data = isRecord(body) && Array.isArray(body.data) ? body.data : undefined;
  const item: unknown = data?.[0];
  if (!isRecord(item)) throw badResponse('the answer has no data[0]');
  if (item.finish_reason === 'content_filtered') {
    throw new GatewayError('upstream_content_rejected', {
      provider: stepfunDisplayName, providerCode: 'content_filtered', providerMessage: 'the generated image was stopped by StepFun\'s content check',
    });
  }
  const base64 = typeof item.b64_json === 'string' && item.b64_json !== '' ? item.b64_json : typeof item.image === 'string' && item.image !== '' ? item.image : undefined;
  if (base64 !== undefined) return { base64 };
  if (typeof item.url === 'string' && item.url !== '') return { url: item.url };
  throw badResponse('data[0] has neither b64_json, image nor url');
}

function dropUndefined(body: Image2ImageBody): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

function badResponse(reason: string): GatewayError {
  return malformedAnswer(stepfunDisplayName, reason);
}
