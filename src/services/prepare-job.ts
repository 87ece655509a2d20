import type { InputSettings } from '../config/settings.ts';
import { loadImageInput, type LoadedImage } from '../input/load-image-input.ts';
import { normalizeMask } from '../input/normalize-mask.ts';
import type { ProviderCatalog } from '../providers/provider-catalog.ts';
import type { ServiceName } from '../providers/spec/generation-call.ts';
import type { OptionImage } from '../providers/spec/provider-model.ts';
import type { Warning } from '../providers/spec/warning.ts';
import { chooseRoute } from '../routing/choose-route.ts';
import { IncomingFile, type FileStore, type StoredFile } from '../storage/file-store.ts';
import type { GenerationRequest } from './generation-request.ts';
import type { JobSpec, StoredInputReference, StoredOptionFile } from './job-spec.ts';

export interface PrepareContext {
  catalog: ProviderCatalog;
  fileStore: FileStore;
  inputSettings: InputSettings;
  serverHost: string;
  /** The service's configured default fallbacks (`services.<service>.fallbacks` in config.json), if any. */
  defaultFallbacks?(service: ServiceName): readonly string[] | undefined;
}

/**
 * Turns a validated request into a `JobSpec`: chooses the provider first (cheap, so model errors come before any
 * download), then loads and checks the inputs through the input module and stores them by content, so the task row
 * holds references instead of megabytes of base64.
 */
export async function prepareJob(request: GenerationRequest, context: PrepareContext): Promise<JobSpec> {
  const route = chooseRoute({
    service: request.service, model: request.model, hybridPolicy: request.hybridPolicy, remoteServiceProvider: request.remoteServiceProvider,
    fallbacks: request.fallbacks, defaultFallbacks: context.defaultFallbacks?.(request.service),
  }, context.catalog);
  const warnings: Warning[] = [...route.warnings];
  const provider = context.catalog.findProvider(route.providerId)!;
  const providerNames = [provider.capabilities.id, ...provider.capabilities.aliases];
  // Provider options belong to the first provider of the chain only: a fallback runs without them (the scheduler
  // says so in the result's warnings when it happens).
  const providerOptions: Record<string, unknown> = {};
  for (const [name, options] of Object.entries(request.providerOptions)) {
    if (providerNames.includes(name)) {
      Object.assign(providerOptions, options);
      continue;
    }
    const fallback = route.fallbacks.find((target) => context.catalog.findProvider(name)?.capabilities.id === target.providerId);
    const details = fallback
      ? `ignored: provider options apply to the first provider (${route.providerId}) only, not to the fallback ${fallback.providerId}`
      : `ignored: the request was served by ${route.providerId}, not ${name}`;
    warnings.push({ type: 'unsupported', feature: `provider_options.${name}`, details });
  }

  // Before the inputs are read, and before any task exists: an out-of-range value is a 400 on every route.
  const checked = await context.catalog.modelFor(route.providerId, route.modelId).checkParameters?.({
    service: request.service, ...request.parameters, providerOptions, hasMask: request.mask !== undefined,
  });

  const inputContext = { settings: context.inputSettings, serverHost: context.serverHost };
  const image = await loadImageInput(request.image.value, request.image.type, 'image', inputContext);

  let mask: StoredInputReference | undefined;
  if (request.mask) {
    const loadedMask = await loadImageInput(request.mask.value, request.mask.type, 'mask', inputContext);
    const canonical = await normalizeMask(loadedMask, {
      convention: request.maskConvention,
      imageWidth: image.width,
      imageHeight: image.height,
      maxInputPixels: context.inputSettings.maxPixels,
    });
    const stored = await context.fileStore.put(canonical.bytes, 'image/png', { handOff: true });
    mask = { fileId: stored.id, mediaType: 'image/png', width: canonical.width, height: canonical.height, hasAlpha: false };
  }

  const storedImage = await storeInput(image, context.fileStore);
  // Last, like the inputs: a request refused above leaves no stored option image behind.
  const optionFiles = await storeOptionImages(checked?.optionImages ?? {}, providerOptions, context.fileStore);
  return {
    service: request.service,
    providerId: route.providerId,
    modelId: route.modelId,
    requestedModel: request.model,
    image: storedImage,
    mask,
    parameters: request.parameters,
    providerOptions: optionFiles.remainingOptions,
    ...(optionFiles.stored !== undefined ? { providerOptionFiles: optionFiles.stored } : {}),
    warnings,
    ...(route.fallbacks.length > 0 ? { fallbacks: route.fallbacks } : {}),
  };
}

/**
 * Stores an input that was written to disk while the request body arrived (`IncomingFile`): only the rename is
 * left, and it finishes in the background (`FileStore.whenStored` gates what needs it on disk). Undefined when there
 * is no such file.
 */
function storeIncomingFile(image: LoadedImage, fileStore: FileStore): StoredFile | undefined {
  if (!(image.written instanceof IncomingFile) || image.sha256 === undefined) return undefined;
  return fileStore.storeIncomingInBackground(image.written, image.bytes, image.sha256, image.mediaType);
}

async function storeInput(image: LoadedImage, fileStore: FileStore): Promise<StoredInputReference> {
  // Handed off: the task usually starts at once in this process and would otherwise read the file straight back.
  const stored = storeIncomingFile(image, fileStore) ?? await fileStore.put(image.bytes, image.mediaType, { handOff: true, sha256: image.sha256 });
  return { fileId: stored.id, mediaType: image.mediaType, width: image.width, height: image.height, hasAlpha: image.hasAlpha };
}

/**
 * Stores the option images the model's check decoded (`ParameterCheck.optionImages`) and takes those options out of
 * the provider options the task row keeps: the row holds their file ids instead. Only options the request actually
 * gave are moved.
 */
async function storeOptionImages(
  images: Readonly<Record<string, OptionImage>>, providerOptions: Record<string, unknown>, fileStore: FileStore,
): Promise<{ remainingOptions: Record<string, unknown>; stored?: Record<string, StoredOptionFile> }> {
  const names = Object.keys(images).filter((name) => typeof providerOptions[name] === 'string');
  if (names.length === 0) return { remainingOptions: providerOptions };
  const remainingOptions = { ...providerOptions };
  const stored: Record<string, StoredOptionFile> = {};
  for (const name of names) {
    const { bytes, mediaType } = images[name];
    // Handed off like the inputs: the task usually starts at once in this process.
    stored[name] = { fileId: (await fileStore.put(bytes, mediaType, { handOff: true })).id, mediaType };
    delete remainingOptions[name];
  }
  return { remainingOptions, stored };
}
