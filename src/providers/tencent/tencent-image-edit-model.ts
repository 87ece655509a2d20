import { GatewayError } from '../../errors/gateway-error.ts';
import { adaptInputImage } from '../shared/adapt-input-image.ts';
import { allowsInputChanges } from '../shared/adapt-input-option.ts';
import { withoutDataUriPrefix } from '../shared/data-uri.ts';
import { decodeBase64Result } from '../shared/decode-base64-result.ts';
import { downloadResult } from '../shared/download-result.ts';
import { isRecord } from '../shared/is-record.ts';
import { malformedAnswer } from '../shared/malformed-answer.ts';
import { reencodeResult } from '../shared/reencode-output.ts';
import { requestJson } from '../shared/request-json.ts';
import { afterBilledCall, decisiveFailure } from '../shared/ambiguous-failure.ts';
import { retryBillableCall } from '../shared/retry-billable-call.ts';
import { UpstreamFailure } from '../shared/upstream-failure.ts';
import type { GenerationCall, GenerationOutput } from '../spec/generation-call.ts';
import type { ProviderDependencies } from '../spec/provider-definition.ts';
import type { CallContext, CallParameters, ProviderModel, StartResult } from '../spec/provider-model.ts';
import type { Warning } from '../spec/warning.ts';
import { accountJobSlots, type JobSlots } from './account-job-slots.ts';
import { signTc3 } from './tc3-sign.ts';
import { checkTencentParameters, type CheckedTencentParameters } from './tencent-call-checks.ts';
import { tencentInputLimits, tencentMaxRequestBytes, type TencentModelCapabilities } from './tencent-capabilities.ts';
import { tencentDisplayName, tencentErrorVerdict } from './tencent-error.ts';
import { tencentOptionsPrefix, type TencentOptions } from './tencent-options.ts';
import { tencentSecrets, type TencentSettings } from './tencent-settings.ts';

/** The ImageToImage body, keys in Tencent's spelling and documented order. */
export interface ImageToImageBody {
  InputImage?: string;
  InputUrl?: string;
  Prompt?: string;
  NegativePrompt?: string;
  Styles?: string[];
  ResultConfig?: { Resolution: string };
  LogoAdd?: number;
  LogoParam?: TencentOptions['LogoParam'];
  Strength?: number;
  RspImgType?: 'base64' | 'url';
  EnhanceImage?: number;
  RestoreFace?: number;
}

/** The signing service name: the first label of `aiart.tencentcloudapi.com`, whatever host is configured. */
const tencentService = 'aiart';

/**
 * Tencent Cloud aiart `ImageToImage`: one signed, synchronous POST per output image. `n` > 1 makes n calls, at
 * most `settings.concurrency` at once per account; throttling answers (`RequestLimitExceeded*`) are retried with
 * backoff. Masks and seeds have no Tencent equivalent and come back as `unsupported` warnings.
 *
 * @see /work/shared/specs/tencent-aiart.md
 */
export class TencentImageEditModel implements ProviderModel {
  readonly providerId = 'tencent';
  readonly modelId: string;
  private readonly slots: JobSlots;

  constructor(
    private readonly model: TencentModelCapabilities,
    private readonly settings: TencentSettings,
    private readonly dependencies: ProviderDependencies,
  ) {
    this.modelId = model.id;
    this.slots = accountJobSlots(settings.endpoint, settings.secretId, settings.concurrency);
  }

  checkParameters(call: CallParameters): void {
    checkTencentParameters(call);
  }

  async start(call: GenerationCall, context: CallContext): Promise<StartResult> {
    context.signal.throwIfAborted();
    if (call.image === undefined) throw new GatewayError('parameter_missing', { parameter: 'image' });
    const parameters = checkTencentParameters(call);
    const { options } = parameters;
    const warnings: Warning[] = [];
    const body = await this.buildBody(call, parameters, warnings);
    // The signature covers these exact bytes. `requestJson` serialises `body` with the same deterministic
    // `JSON.stringify`, so the bytes sent are these bytes (the fake server recomputes the signature to prove it).
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    if (payload.length > tencentMaxRequestBytes) {
      throw new GatewayError('parameter_invalid', {
        parameter: options.LogoParam?.LogoImage ? `${tencentOptionsPrefix}.LogoParam.LogoImage` : 'image',
        expected: `a request of at most ${tencentMaxRequestBytes} bytes in total (Tencent's limit for signed POSTs)`,
        received: `${payload.length} bytes`,
      });
    }

    let finished = 0;
    const settled = await Promise.allSettled(Array.from({ length: call.n }, () =>
      this.slots.run(async () => {
        const output = await this.generateOnce(body, payload, call, context);
        finished += 1;
        context.onProgress(Math.round((finished / call.n) * 100));
        return output;
      }, context.signal)));

    if (context.signal.aborted) throw context.signal.reason;
    const outputs = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failures = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (outputs.length === 0) throw decisiveFailure(failures);
    if (failures.length > 0) {
      for (const failure of failures) if (!GatewayError.isInstance(failure)) this.dependencies.logger.error('Tencent call failed unexpectedly', { error: failure });
      // The successful calls are billed: keep their images rather than failing the whole job.
      const first = failures[0];
      warnings.push({
        type: 'other',
        feature: 'n',
        details: `${failures.length} of ${call.n} Tencent calls failed, so ${outputs.length} image(s) are returned: ${GatewayError.isInstance(first) ? first.message : 'an unexpected error (see the server log)'}`,
      });
    }
    return { status: 'completed', result: { outputs, warnings, usage: { images: outputs.length } } };
  }

  /** Maps the checked call and the Tencent options onto the ImageToImage body, adapting the image to Tencent's limits. */
  private async buildBody(call: GenerationCall, { options, style, resolution }: CheckedTencentParameters, warnings: Warning[]): Promise<ImageToImageBody> {
    if (call.mask) {
      warnings.push({ type: 'unsupported', feature: 'mask', details: 'Tencent ImageToImage takes no mask, so the mask was not sent: Tencent restyles the whole image (Atelier then restores the original pixels outside the mask).' });
    }
    if (call.seed !== undefined) {
      warnings.push({ type: 'unsupported', feature: 'seed', details: 'Tencent ImageToImage takes no seed: results are not reproducible.' });
    }

    const body: ImageToImageBody = {};
    if (options.InputUrl !== undefined) {
      // Tencent prefers InputUrl when both are present; send only the URL so the request means one thing.
      body.InputUrl = options.InputUrl;
    } else {
      const adapted = await adaptInputImage(call.image, undefined, tencentInputLimits, {
        target: `${tencentDisplayName} ImageToImage`, allowChanges: allowsInputChanges(options), base64Budget: true,
      });
      warnings.push(...adapted.warnings);
      body.InputImage = adapted.image.bytes.toString('base64');
    }
    if (call.prompt !== undefined && call.prompt !== '') body.Prompt = call.prompt;
    if (call.negativePrompt !== undefined && call.negativePrompt !== '') body.NegativePrompt = call.negativePrompt;
    if (style !== undefined) body.Styles = [style];
    if (resolution !== undefined) body.ResultConfig = { Resolution: resolution };
    if (options.LogoAdd !== undefined) body.LogoAdd = options.LogoAdd;
    if (options.LogoParam !== undefined) body.LogoParam = options.LogoParam;
    // Both scales put "more change" at the larger number, so strength passes through unchanged (spec §3).
    if (call.strength !== undefined) body.Strength = call.strength;
    if (options.RspImgType !== undefined) body.RspImgType = options.RspImgType;
    if (options.EnhanceImage !== undefined) body.EnhanceImage = options.EnhanceImage;
    if (options.RestoreFace !== undefined) body.RestoreFace = options.RestoreFace;
    return body;
  }

  /** One ImageToImage call, retried while Tencent throttles, and its result read into memory. */
  private async generateOnce(body: ImageToImageBody, payload: Buffer, call: GenerationCall, context: CallContext): Promise<GenerationOutput> {
    const answer = await retryBillableCall(() => this.post(body, payload, context.signal), {
      attempts: this.settings.throttleAttempts,
      sleep: this.dependencies.sleep,
      signal: context.signal,
      backoff: { baseMs: this.settings.throttleBaseDelayMs, maxMs: 30_000 },
      onRetry: (error, attempt, delayMs) => this.dependencies.logger.info('Tencent throttled the call; retrying', {
        provider: 'tencent', attempt: attempt + 1, delayMs, code: GatewayError.isInstance(error) ? error.code : 'unknown',
      }),
    });
    return afterBilledCall(async () => {
      const output = body.RspImgType === 'url'
        ? await downloadResult(answer, {
          fetch: this.dependencies.fetch, endpoint: this.settings.endpoint, maxBytes: this.settings.maxResponseBytes, timeoutMs: this.settings.downloadTimeoutMs,
          signal: context.signal, expect: 'image', provider: tencentDisplayName,
        })
        : decodeBase64Result(withoutDataUriPrefix(answer), { provider: tencentDisplayName, field: 'Response.ResultImage' });
      return reencodeResult(output, call.outputFormat, { provider: tencentDisplayName });
    });
  }

  /** Signs and sends one request; returns `Response.ResultImage` (base64 or URL) or throws the mapped error. */
  private async post(body: ImageToImageBody, payload: Buffer, signal: AbortSignal): Promise<string> {
    const url = new URL('/', this.settings.endpoint);
    const timestamp = Math.floor(this.dependencies.now().getTime() / 1000);
    const contentType = 'application/json';
    // fetch sends `Host` from the URL (with the port when it is not the default); sign exactly that value.
    const { authorization } = signTc3({
      secretId: this.settings.secretId, secretKey: this.settings.secretKey, service: tencentService, timestamp,
      method: 'POST', headers: { 'Content-Type': contentType, Host: url.host }, payload,
    });
    const response = await requestJson({
      provider: tencentDisplayName,
      fetch: this.dependencies.fetch,
      url: url.href,
      method: 'POST',
      headers: {
        Authorization: authorization,
        'Content-Type': contentType,
        'X-TC-Action': this.model.action,
        'X-TC-Version': this.model.version,
        'X-TC-Timestamp': String(timestamp),
        'X-TC-Region': this.settings.region,
        // Temporary (STS) credentials only; like the official SDK, sent but not among the signed headers.
        ...(this.settings.sessionToken === undefined ? {} : { 'X-TC-Token': this.settings.sessionToken }),
      },
      body,
      timeoutMs: this.settings.requestTimeoutMs,
      signal,
      maxResponseBytes: this.settings.maxResponseBytes,
      now: this.dependencies.now,
      logger: this.dependencies.logger,
    });
    return readImageToImageAnswer(response.body, tencentSecrets(this.settings));
  }
}

/**
 * Reads `{"Response": {...}}`. Tencent reports errors inside a 200 answer (`Response.Error`), so the HTTP status
 * says nothing: the body decides.
 */
export function readImageToImageAnswer(body: unknown, secrets: readonly string[]): string {
  const response = isRecord(body) && isRecord(body.Response) ? body.Response : undefined;
  if (response === undefined) throw badResponse('the answer has no Response object');
  const error = response.Error;
  if (isRecord(error) && typeof error.Code === 'string') {
    const verdict = tencentErrorVerdict({ Code: error.Code, Message: typeof error.Message === 'string' ? error.Message : undefined }, secrets);
    throw new GatewayError(verdict.code, verdict.parameters, {
      retryable: verdict.retryable,
      cause: new UpstreamFailure('http', { httpStatus: 200, providerCode: error.Code, resubmitAtMost: verdict.resubmitAtMost }),
    });
  }
  if (typeof response.ResultImage !== 'string' || response.ResultImage === '') throw badResponse('Response.ResultImage is missing');
  return response.ResultImage;
}

function badResponse(reason: string): GatewayError {
  return malformedAnswer(tencentDisplayName, reason);
}
