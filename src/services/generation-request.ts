import type { DecodedBase64 } from '../input/inline-base64-text.ts';
import type { ServiceName } from '../providers/spec/generation-call.ts';
import type { HybridPolicy } from '../routing/hybrid-policy.ts';
import type { JobParameters } from './job-spec.ts';

/** An image as the client referred to it: the value and how to read it. */
export interface InputReference {
  /** The request's string, or a large base64 value the route read from the body's bytes and decoded. */
  value: string | DecodedBase64;
  type: 'path' | 'url' | 'base64';
}

export type MaskConvention = 'white' | 'alpha' | 'auto';

/**
 * A request after HTTP-level validation (types and ranges checked), before any input is read or provider chosen.
 * The AOG routes, `/v1/tasks` and the CLI all build one of these.
 */
export interface GenerationRequest {
  service: ServiceName;
  model?: string;
  hybridPolicy: HybridPolicy;
  remoteServiceProvider?: string;
  /**
   * Atelier extension: providers to try, in order, when the chosen one fails with a retryable error — `"tencent"`
   * or `"provider:model"`. Undefined = the service's configured default; `[]` = no fallback.
   */
  fallbacks?: string[];
  image: InputReference;
  mask?: InputReference;
  maskConvention: MaskConvention;
  parameters: JobParameters;
  /** Keyed by provider id or alias, e.g. `{ aliyun: { function: 'stylization_all' } }`. */
  providerOptions: Record<string, Record<string, unknown>>;
}
