import sharp from 'sharp';
import { GatewayError } from '../../errors/gateway-error.ts';
import { adaptInputImage } from '../shared/adapt-input-image.ts';
import { downloadResult } from '../shared/download-result.ts';
import { InlineData } from '../shared/inline-data-json.ts';
import type { GenerationCall, ImageInput, MaskInput } from '../spec/generation-call.ts';
import type { ProviderDependencies } from '../spec/provider-definition.ts';
import type { CallContext, CallParameters, JsonValue, ParameterCheck, ProviderModel, StartResult, StatusResult } from '../spec/provider-model.ts';
import type { Warning } from '../spec/warning.ts';
import type { DashScopeInputTransport, DashScopeModelCapabilities } from './dashscope-capabilities.ts';
import { dashscopeProviderName } from './dashscope-error.ts';
import { operationFromJson, operationToJson, type DashScopeOperation } from './dashscope-operation.ts';
import type { DashScopeSettings } from './dashscope-settings.ts';
import { DashScopeTaskClient } from './dashscope-task-client.ts';
import { interpretTaskAnswer } from './dashscope-task-status.ts';
import { uploadTemporaryFile } from './dashscope-upload.ts';

/** What a model's `start` hands to the shared submit: the request body and the handle details. */
export interface DashScopeSubmission {
  body: unknown;
  /** True when the body references `oss://` uploads. */
  usesTemporaryUploads: boolean;
  expectedOutputs: number;
  requestedDurationSeconds?: number;
  warnings: Warning[];
}

/** Inputs as DashScope will read them: a `data:` URI (serialised lazily, see `InlineData`) or an `oss://` URL each. */
export interface PreparedInputs {
  imageUrl: InlineData | string;
  maskUrl?: InlineData | string;
  usesTemporaryUploads: boolean;
  warnings: Warning[];
}

/**
 * What every DashScope model shares: submit → pending handle, `status` (a fresh instance resumes from the
 * persisted handle alone), `cancel` for queued tasks, the poll cadence, and input preparation (adapt to the
 * model's limits, then inline or upload). Subclasses only build the request body.
 */
export abstract class DashScopeTaskModel implements ProviderModel {
  readonly providerId = 'aliyun';
  readonly modelId: string;
  /** The submit's body streams while the input is still being stored; its last bytes wait for it (`requestJson`). */
  readonly submitsAfterInputsStored = true;
  protected readonly client: DashScopeTaskClient;

  constructor(
    protected readonly model: DashScopeModelCapabilities,
    protected readonly settings: DashScopeSettings,
    protected readonly dependencies: ProviderDependencies,
  ) {
    // Always the canonical id: an alias such as wanx2.1-i2i-turbo is never sent upstream (spec §4.5).
    this.modelId = model.id;
    this.client = new DashScopeTaskClient(settings, dependencies);
  }

  /**
   * The model's checks that need no input image, run before any task exists. `buildSubmission` runs the same
   * functions again, so a call that reaches `start` some other way gets the same error.
   */
  abstract checkParameters(call: CallParameters): void | ParameterCheck | Promise<void | ParameterCheck>;

  /** Builds the submission for one call: `checkParameters`'s rules, then the checks and adaptation the inputs need. */
  protected abstract buildSubmission(call: GenerationCall, context: CallContext): Promise<DashScopeSubmission>;

  async start(call: GenerationCall, context: CallContext): Promise<StartResult> {
    const submission = await this.buildSubmission(call, context);
    const taskId = await this.client.submit(this.model.submitPath, submission.body, {
      modelId: this.model.id,
      submitsPerSecond: this.settings.submitsPerSecond ?? this.model.submitsPerSecond,
      ossResourceResolve: submission.usesTemporaryUploads,
      signal: context.signal,
      inputsStored: context.inputsStored,
    });
    this.dependencies.logger.info('DashScope task submitted', { model: this.model.id, taskId });
    const operation: DashScopeOperation = {
      provider: 'aliyun',
      taskId,
      modelId: this.model.id,
      family: this.model.family,
      submittedAt: this.dependencies.now().toISOString(),
      expectedOutputs: submission.expectedOutputs,
      requestedDurationSeconds: submission.requestedDurationSeconds,
    };
    context.onProgress(0);
    return { status: 'pending', operation: operationToJson(operation), progress: 0, warnings: submission.warnings };
  }

  async status(operationJson: JsonValue, context: CallContext): Promise<StatusResult> {
    const operation = operationFromJson(operationJson);
    if (operation === undefined) {
      return { status: 'failed', error: new GatewayError('upstream_task_lost', { provider: dashscopeProviderName, providerTaskId: 'unknown', providerStatus: 'unreadable operation handle' }) };
    }
    const answer = await this.client.query(operation.taskId, context.signal);
    const result = await interpretTaskAnswer(answer, operation, {
      secrets: [this.settings.apiKey],
      download: (url, expect) => downloadResult(url, {
        fetch: this.dependencies.fetch, endpoint: this.settings.baseUrl, maxBytes: this.settings.maxResultBytes, timeoutMs: Math.max(this.settings.requestTimeoutMs, 120_000),
        signal: context.signal, expect, provider: dashscopeProviderName,
      }),
    });
    if (result.status === 'pending' && result.progress !== undefined) context.onProgress(result.progress);
    if (result.status === 'completed') context.onProgress(100);
    return result;
  }

  /**
   * Cancels the task upstream. DashScope only cancels queued (PENDING) tasks; for a running or finished task this
   * rejects with `upstream_invalid_request` (UnsupportedOperation) — the task keeps running and stays billable.
   */
  async cancel(operationJson: JsonValue): Promise<void> {
    const operation = operationFromJson(operationJson);
    if (operation === undefined) return;
    await this.client.cancel(operation.taskId, AbortSignal.timeout(this.settings.requestTimeoutMs * 2));
  }

  /** Spec §3.2 cadence: images every 3 s for the first 30 s then every 10 s; video every 15 s. */
  pollIntervalMs(attempt: number): number {
    const { initialMs, initialPhaseMs, laterMs } = this.model.pollCadence;
    return attempt * initialMs < initialPhaseMs ? initialMs : laterMs;
  }

  /**
   * Adapts the image (and mask) to the model's limits, then makes them URLs DashScope reads: inline `data:` URIs,
   * or `oss://` temporary uploads when the model takes URLs only or the caller asked for it.
   */
  protected async prepareInputs(
    image: ImageInput,
    mask: MaskInput | undefined,
    options: { transport?: DashScopeInputTransport; adaptInput?: boolean },
    signal: AbortSignal,
  ): Promise<PreparedInputs> {
    const adapted = await adaptInputImage(image, mask, this.model.input, {
      target: `${dashscopeProviderName} ${this.model.id}`,
      allowChanges: options.adaptInput ?? true,
    });
    const warnings = [...adapted.warnings];
    const maskBytes = adapted.mask ? await rgbMask(adapted.mask) : undefined;
    const transport = options.transport ?? this.model.inputTransport;
    if (transport === 'data-uri') {
      return {
        imageUrl: new InlineData(adapted.image.bytes, adapted.image.mediaType),
        maskUrl: maskBytes ? new InlineData(maskBytes, 'image/png') : undefined,
        usesTemporaryUploads: false,
        warnings,
      };
    }
    const imageUrl = await uploadTemporaryFile(adapted.image, this.model.id, this.settings, this.dependencies, signal);
    const maskUrl = maskBytes
      ? await uploadTemporaryFile({ bytes: maskBytes, mediaType: 'image/png' }, this.model.id, this.settings, this.dependencies, signal)
      : undefined;
    // Not a substitution (the pixels are unchanged): a notice that the input left Atelier for DashScope storage.
    warnings.push({
      type: 'other',
      feature: 'image',
      details: `${this.model.acceptsDataUri ? 'As input_transport asked, Atelier' : `${this.model.id} reads inputs from URLs only, so Atelier`} uploaded the inputs to DashScope's temporary storage (bound to this account, deleted after 48 hours).`,
    });
    return { imageUrl, maskUrl, usesTemporaryUploads: true, warnings };
  }
}

/**
 * The canonical mask (single-channel, white = edit) as the RGB PNG DashScope documents: white `[255,255,255]` =
 * edit, black `[0,0,0]` = keep. Same convention, so only the channel count changes.
 */
async function rgbMask(mask: MaskInput): Promise<Buffer> {
  return sharp(mask.bytes).toColourspace('srgb').png().toBuffer();
}
