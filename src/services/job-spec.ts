import type { OutputFormat, ServiceName, VideoResolution } from '../providers/spec/generation-call.ts';
import type { Warning } from '../providers/spec/warning.ts';

/** An input image saved in the file store; task rows hold this reference, never the bytes. */
export interface StoredInputReference {
  fileId: string;
  mediaType: string;
  width: number;
  height: number;
  hasAlpha: boolean;
}

/** An image that a provider option carried as a base64 `data:` URI, saved in the file store (`providerOptionFiles`). */
export interface StoredOptionFile {
  fileId: string;
  /** Sniffed from the bytes by the provider's check; the data URI `start` receives is labelled with it. */
  mediaType: string;
}

/** Unified parameters after validation (ranges already checked, nothing clamped). */
export interface JobParameters {
  prompt?: string;
  negativePrompt?: string;
  n: number;
  strength?: number;
  seed?: number;
  style?: string;
  size?: { width: number; height: number };
  outputFormat?: OutputFormat;
  duration?: number;
  resolution?: VideoResolution;
  motion?: string;
}

/**
 * A fully resolved piece of work: inputs loaded and stored, provider and model chosen. JSON-serialisable so that a
 * task row can hold it and a restarted Atelier can run it again.
 */
export interface JobSpec {
  service: ServiceName;
  providerId: string;
  /** The provider's canonical model id. */
  modelId: string;
  /** The model name as the client sent it (an alias, or absent). */
  requestedModel?: string;
  image: StoredInputReference;
  /** Canonical mask (single-channel PNG, white = edit). */
  mask?: StoredInputReference;
  parameters: JobParameters;
  /** Options for the chosen provider only, without those moved to `providerOptionFiles`. */
  providerOptions: Record<string, unknown>;
  /**
   * Provider options that carried an image as a base64 `data:` URI (DashScope's `style_ref_url`), by option name,
   * stored in the file store like the inputs so that the task row holds a file id instead of megabytes of base64.
   * `buildGenerationCall` puts each back into the call's provider options as a `data:` URI of the same bytes. A field
   * of its own, filled only by preparation: no value a client sends can be read as a file reference. Absent = none
   * (and always absent in rows written before it existed, whose options still hold their data URIs).
   */
  providerOptionFiles?: Record<string, StoredOptionFile>;
  /** Warnings produced before the provider ran (routing, input adaptation); merged into the result's warnings. */
  warnings: Warning[];
  /**
   * Providers to try, in order, when the chosen one fails with a retryable error (each with its model id; resolved
   * and checked by routing). `providerOptions` are never sent to them. Absent = no fallback.
   */
  fallbacks?: Array<{ providerId: string; modelId: string }>;
}
