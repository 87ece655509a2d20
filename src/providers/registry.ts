import type { ProviderDefinition } from './spec/provider-definition.ts';
import { dashscopeProvider } from './dashscope/index.ts';
import { localEngineProvider } from './local-engine/index.ts';
import { openAiProvider } from './openai/index.ts';
import { stepfunProvider } from './stepfun/index.ts';
import { tencentProvider } from './tencent/index.ts';

/**
 * Every provider Atelier knows, one line each. Routing, `GET /v1/providers`, `GET /v1/models` and the conformance
 * suite all read this list.
 */
export const providerDefinitions: readonly ProviderDefinition[] = [
  localEngineProvider,
  dashscopeProvider,
  tencentProvider,
  stepfunProvider,
  openAiProvider,
];
