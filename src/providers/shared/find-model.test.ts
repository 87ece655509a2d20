import { describe, expect, test } from 'vitest';
import { thrownBy } from '../../../test/fakes/caught-gateway-error.ts';
import { openAiProvider } from '../openai/index.ts';
import { stepfunProvider } from '../stepfun/index.ts';
import { tencentProvider } from '../tencent/index.ts';
import type { ModelCapabilities } from '../spec/capabilities.ts';
import { findModel, requireModel } from './find-model.ts';

const declared = (id: string, aliases?: string[]): ModelCapabilities => ({
  id, aliases, service: 'image-to-image', description: id, parameters: {},
  input: { formats: ['png'], maxBytes: 1, alpha: 'allowed' }, maskConvention: 'none', callModel: 'sync', maxOutputsPerCall: 1,
});
const models = [declared('model-a', ['alias-a']), declared('model-b')];

describe('findModel / requireModel', () => {
  test('find by canonical id or alias, exact spelling only', () => {
    expect(findModel(models, 'model-b')?.id).toBe('model-b');
    expect(findModel(models, 'alias-a')?.id).toBe('model-a');
    expect(findModel(models, 'MODEL-B')).toBeUndefined();
  });

  test('requireModel refuses an unknown model with model_not_found naming the provider and its canonical ids', () => {
    const error = thrownBy(() => requireModel(models, 'model-z', 'Example'));
    expect(error.code).toBe('model_not_found');
    expect(error.parameters).toMatchObject({ model: 'model-z', service: 'Example', known: 'model-a, model-b' });
  });

  test.each([
    ['StepFun', stepfunProvider, 'step-2x-large'],
    ['Tencent Cloud aiart', tencentProvider, 'aiart-image-to-image'],
    ['OpenAI', openAiProvider, 'gpt-image-1.5'],
  ] as const)('%s createModel refuses a model it does not declare', (providerName, definition, knownId) => {
    const error = thrownBy(() => definition.createModel('no-such-model', {} as never, {} as never));
    expect(error.code).toBe('model_not_found');
    expect(error.parameters).toMatchObject({ model: 'no-such-model', service: providerName });
    expect(String(error.parameters.known)).toContain(knownId);
  });
});
