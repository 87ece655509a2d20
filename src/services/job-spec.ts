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
  /** Options for the chosen provider only. */
  providerOptions: Record<string, unknown>;
  /** Warnings produced before the provider ran (routing, input adaptation); merged into the result's warnings. */
  warnings: Warning[];
  /**
   * Providers to try, in order, when the chosen one fails with a retryable error (each with its model id; resolved
   * and checked by routing). `providerOptions` are never sent to them. Absent = no fallback.
   */
  fallbacks?: Array<{ providerId: string; modelId: string }>;
}
