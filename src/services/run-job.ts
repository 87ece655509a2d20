import type { GenerationCall, GenerationOutput } from '../providers/spec/generation-call.ts';
import type { Usage } from '../providers/spec/provider-model.ts';
import type { Warning } from '../providers/spec/warning.ts';
import type { FileStore, StoredFile } from '../storage/file-store.ts';
import type { JobSpec } from './job-spec.ts';
import { compositeOutsideMask } from './composite-outside-mask.ts';

/** What a finished job leaves behind: stored outputs, every warning, billable usage. */
export interface JobOutcome {
  files: StoredFile[];
  /** One per file, in the same order, when the provider reported a seed for every output (the embedded engine). */
  seeds?: number[];
  /** What the provider understood and applied (embedded engine: catalogue or motion ids), when it says. */
  applied?: string[];
  warnings: Warning[];
  usage: Usage;
}

/** The outputs' seeds, or undefined unless every output has one (a partial list could be misread by position). */
export function seedsOf(outputs: ReadonlyArray<{ seed?: number }>): number[] | undefined {
  const seeds = outputs.map((output) => output.seed);
  return seeds.length > 0 && seeds.every((seed) => seed !== undefined) ? (seeds as number[]) : undefined;
}

/** Reads the stored inputs back and builds the provider's unified call. */
export async function buildGenerationCall(spec: JobSpec, fileStore: FileStore): Promise<GenerationCall> {
  const imageBytes = await fileStore.read(spec.image.fileId);
  const maskBytes = spec.mask ? await fileStore.read(spec.mask.fileId) : undefined;
  const { parameters } = spec;
  return {
    service: spec.service,
    modelId: spec.modelId,
    image: { bytes: imageBytes, mediaType: spec.image.mediaType, width: spec.image.width, height: spec.image.height, hasAlpha: spec.image.hasAlpha },
    mask: maskBytes && spec.mask ? { bytes: maskBytes, width: spec.mask.width, height: spec.mask.height } : undefined,
    prompt: parameters.prompt,
    negativePrompt: parameters.negativePrompt,
    n: parameters.n,
    strength: parameters.strength,
    seed: parameters.seed,
    style: parameters.style,
    size: parameters.size,
    outputFormat: parameters.outputFormat,
    duration: parameters.duration,
    resolution: parameters.resolution,
    motion: parameters.motion,
    providerOptions: await providerOptionsOf(spec, fileStore),
  };
}

/**
 * The provider options as the request gave them to the model's check: those stored as files (`providerOptionFiles`)
 * come back as `data:` URIs of their bytes, labelled with the sniffed type, so `start` reads and checks them as before.
 */
async function providerOptionsOf(spec: JobSpec, fileStore: FileStore): Promise<Record<string, unknown>> {
  const files = Object.entries(spec.providerOptionFiles ?? {});
  if (files.length === 0) return spec.providerOptions;
  const options = { ...spec.providerOptions };
  for (const [name, file] of files) {
    const bytes = await fileStore.read(file.fileId);
    options[name] = `data:${file.mediaType};base64,${bytes.toString('base64')}`;
  }
  return options;
}

/**
 * Writes a result's outputs into the store, in order (results never depend on provider URLs that expire). Cloud
 * inpainting results get the original pixels back outside the mask first; the embedded engine guarantees that
 * itself. `spec` names the provider that produced the outputs (after a fallback: the fallback).
 *
 * @returns the stored files, and a `substituted` size warning when a result had to be scaled to be composited
 */
export async function storeOutputs(
  spec: JobSpec, outputs: readonly GenerationOutput[], fileStore: FileStore,
): Promise<{ files: StoredFile[]; warnings: Warning[] }> {
  const files: StoredFile[] = [];
  const warnings: Warning[] = [];
  const needsComposite = spec.mask !== undefined && spec.providerId !== 'local' && spec.service === 'image-to-image';
  const original = needsComposite ? await fileStore.read(spec.image.fileId) : undefined;
  const mask = needsComposite && spec.mask ? await fileStore.read(spec.mask.fileId) : undefined;
  for (const output of outputs) {
    let stored: GenerationOutput = output;
    if (original && mask) {
      const composited = await compositeOutsideMask(output, original, mask, spec.image, spec.providerId);
      stored = composited.output;
      if (composited.resized && warnings.length === 0) {
        warnings.push({ type: 'substituted', feature: 'size', details: `${spec.providerId} returned another size; the result was scaled to the input's ${spec.image.width}×${spec.image.height} to composite it with the mask` });
      }
    }
    files.push(await fileStore.put(stored.bytes, stored.mediaType));
  }
  return { files, warnings };
}
