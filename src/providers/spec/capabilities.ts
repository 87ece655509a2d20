import type { ServiceName } from './generation-call.ts';

/**
 * What a provider can do, declared as data: routing, `GET /v1/providers`, `GET /v1/models`, the CLI and the
 * conformance suite read it; nothing here runs.
 */
export interface ParameterSpec {
  type: 'integer' | 'number' | 'string' | 'boolean' | 'enum';
  minimum?: number;
  maximum?: number;
  /** Whether the bounds themselves are excluded, e.g. strength in (0, 1]. */
  exclusiveMinimum?: boolean;
  values?: readonly string[];
  /** Longest text, in characters (Unicode code points, as `characterLength` in src/text/ counts them). */
  maxLength?: number;
  description: string;
}

export interface InputLimits {
  formats: readonly string[];
  /**
   * Largest input accepted, in bytes, inclusive (as sent: the base64 length where the adapter asks for a base64
   * budget). A provider limit stated as "under N" is written `N - 1`.
   */
  maxBytes: number;
  /** Shortest side allowed, in px, inclusive (a limit stated as "> 50" is written 51). */
  minSide?: number;
  /** Longest side allowed, in px. */
  maxSide?: number;
  /** Shortest side allowed at most, in px, where a model bounds it apart from the longest (5760×3240 limits). */
  maxShortSide?: number;
  /** Longest side ÷ shortest side at most, e.g. 2 for 2:1; no scale changes it, so a wider input is refused. */
  maxAspectRatio?: number;
  alpha: 'allowed' | 'flattened';
}

export interface ModelCapabilities {
  /** Canonical id sent upstream. */
  id: string;
  service: ServiceName;
  /** Other names clients send (e.g. `wanx2.1-i2i-turbo`); never sent upstream. */
  aliases?: readonly string[];
  description: string;
  /** Unified parameters this model honours, with their ranges (out of range → 400, never clamped). */
  parameters: Readonly<Record<string, ParameterSpec>>;
  /** What a request may add under `provider_options.<provider id>` for this model (validated by the adapter). */
  providerOptions?: Readonly<Record<string, ParameterSpec>>;
  input: InputLimits;
  /** `white` = white marks the area to edit; `alpha` = transparent marks it; `none` = no mask support. */
  maskConvention: 'white' | 'alpha' | 'none';
  callModel: 'sync' | 'async';
  maxOutputsPerCall: number;
  /** Seconds a provider result URL stays valid (informational: Atelier copies results at once). */
  resultUrlLifetimeSeconds?: number;
  /** Set when the provider announced an end date for this model or endpoint. */
  retiredOn?: string;
}

export interface ProviderCapabilities {
  /** Provider id, e.g. `aliyun`, `tencent`, `stepfun`, `openai`, `local`. */
  id: string;
  /** Other ids accepted in `remote_service_provider` (e.g. `dashscope`, AOG's `remote_aliyun_image-to-image`). */
  aliases: readonly string[];
  /**
   * The aliases whose config.json `providers` entry `readSettings` reads when there is none under the id, in that
   * order (aliyun reads `providers.dashscope`). An entry under any other alias is never read.
   */
  settingsAliases?: readonly string[];
  displayName: string;
  kind: 'cloud' | 'local';
  /** Default number of jobs in flight at this provider (the scheduler's per-provider limit). */
  defaultConcurrency: number;
  /** Environment variables that configure it (documented in docs/configuration.md). */
  environment: readonly string[];
  models: readonly ModelCapabilities[];
}
