import { requireModel } from '../shared/find-model.ts';
import type { ProviderDefinition } from '../spec/provider-definition.ts';
import { openAiCapabilities, openAiModels } from './openai-capabilities.ts';
import { OpenAiImageEditModel } from './openai-image-edit-model.ts';
import { readOpenAiSettings, type OpenAiSettings } from './openai-settings.ts';

export type { OpenAiSettings } from './openai-settings.ts';
export { openAiCapabilities } from './openai-capabilities.ts';

/**
 * OpenAI Images (provider id `openai`): multipart `images/edits` with alpha masks. `OPENAI_BASE_URL` may point at an
 * OpenAI-compatible server (stable-diffusion.cpp, LocalAI); on a loopback address no key is required.
 */
export const openAiProvider: ProviderDefinition<OpenAiSettings> = {
  capabilities: openAiCapabilities,
  readSettings: readOpenAiSettings,
  // A local server (stable-diffusion.cpp, LocalAI) runs or queues one job at a time (local-servers.md §0).
  concurrencyFor: (settings) => (settings.localServer ? 1 : undefined),
  secretsOf: (settings) => (settings.apiKey === undefined ? [] : [settings.apiKey]),
  createModel(modelId, settings, dependencies) {
    return new OpenAiImageEditModel(requireModel(openAiModels, modelId, 'OpenAI'), settings, dependencies);
  },
};
