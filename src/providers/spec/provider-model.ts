import type { GatewayError } from '../../errors/gateway-error.ts';
import type { GenerationCall, GenerationOutput } from './generation-call.ts';
import type { Warning } from './warning.ts';

/** JSON-serialisable value: provider operation handles are persisted with the task. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Billable usage, recorded on the task. */
export interface Usage {
  images?: number;
  videoSeconds?: number;
}

export interface GenerationResult {
  /** Results already downloaded (provider URLs expire; adapters fetch them before reporting success). */
  outputs: GenerationOutput[];
  warnings: Warning[];
  usage: Usage;
  /**
   * What the provider understood and applied, in order (the embedded engine's catalogue ids, e.g.
   * `["watercolor", "brighter"]`, or its motion ids). Absent for providers that do not say.
   */
  applied?: string[];
}

/** What the task scheduler passes to every provider call. */
export interface CallContext {
  signal: AbortSignal;
  /** Minted once per billable submission, reused across retries (sent upstream where the provider supports it). */
  idempotencyKey: string;
  /** 0–100. */
  onProgress(percent: number): void;
  /**
   * Settles once the call's input files are on disk (an input can still be being written when its task starts:
   * see `FileStore.storeIncomingInBackground`). A model that declares `submitsAfterInputsStored` must not let a
   * billable submission complete before it; for any other model the scheduler waits for it before `start`.
   */
  inputsStored?: Promise<void>;
}

/** `start` either finishes (sync providers, the embedded engine) or returns a handle to poll. */
export type StartResult =
  | { status: 'completed'; result: GenerationResult }
  | { status: 'pending'; operation: JsonValue; progress?: number; warnings?: Warning[] };

export type StatusResult =
  | { status: 'pending'; progress?: number }
  | { status: 'completed'; result: GenerationResult }
  | { status: 'failed'; error: GatewayError };

/**
 * A call without its inputs: what `checkParameters` can judge before the inputs are read. `hasMask` says whether the
 * request has a mask, for models whose defaults and required fields depend on it (DashScope's editing function);
 * `prepareJob` always sets it, and absent reads as no mask. Optional so that a loaded `GenerationCall` is one too.
 */
export type CallParameters = Omit<GenerationCall, 'image' | 'mask' | 'modelId'> & { hasMask?: boolean };

/** An image that a provider option carried as a base64 `data:` URI, decoded and checked by `checkParameters`. */
export interface OptionImage {
  bytes: Buffer;
  /** Sniffed from the bytes (e.g. `image/jpeg`), never the type the client wrote. */
  mediaType: string;
}

/**
 * What `checkParameters` hands back besides its verdict. `optionImages` names the provider options (e.g. DashScope's
 * `style_ref_url`) that carried an image as a base64 `data:` URI, with the bytes it checked: preparation stores them
 * in the file store and the task row keeps their file ids instead of megabytes of base64
 * (`JobSpec.providerOptionFiles`). The call `start` receives has each option back as a `data:<mediaType>;base64,…`
 * URI of the same bytes, which `start` checks again by the same rule. Absent or empty: every option stays in the task
 * row as the request gave it.
 */
export interface ParameterCheck {
  optionImages?: Readonly<Record<string, OptionImage>>;
}

/**
 * One model of one provider, ready to call. Long jobs are `start` + `status` with an opaque, JSON-serialisable
 * operation handle, persisted by the scheduler so that a restarted Atelier resumes polling instead of resubmitting.
 */
export interface ProviderModel {
  readonly providerId: string;
  readonly modelId: string;
  /**
   * Whether `start` itself holds its billable request's last bytes until `context.inputsStored` settles, so that the
   * upload overlaps the input's disk write (DashScope). Otherwise the scheduler waits before calling `start`.
   */
  readonly submitsAfterInputsStored?: boolean;
  /**
   * Checks a call's parameters before any task exists, so that an out-of-range value is a 400 on every route,
   * asynchronous ones included, instead of a task that fails later. Throws (or rejects with) the error `start` would
   * throw for them. May be asynchronous for a check that reads an image given as a parameter rather than as the
   * input (DashScope's style reference: its pixel size comes from sharp, which reads headers asynchronously); callers
   * await it. Returns the option images it decoded, if any (see `ParameterCheck`). Models that check only inside
   * `start` leave it out.
   */
  checkParameters?(call: CallParameters): void | ParameterCheck | Promise<void | ParameterCheck>;
  /** Submits the work. Throws a `GatewayError` on failure (retryable or not, as the error says). */
  start(call: GenerationCall, context: CallContext): Promise<StartResult>;
  /** Async providers only: polls a handle returned by `start`. */
  status?(operation: JsonValue, context: CallContext): Promise<StatusResult>;
  /** Cancels upstream where the provider allows it (DashScope: queued tasks only). */
  cancel?(operation: JsonValue): Promise<void>;
  /** Suggested delay before the next `status` call, in ms (the scheduler adds backoff and jitter). */
  pollIntervalMs?(attempt: number): number;
}
