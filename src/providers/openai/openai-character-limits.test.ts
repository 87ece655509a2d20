/**
 * OpenAI documents its text limits in characters (spec: prompt ≤ 1000 for dall-e-2, ≤ 32000 for GPT image models;
 * `user` ≤ 256): a text of astral characters (emoji, CJK Extension B) counts one per character, not per UTF-16 unit.
 */
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { testCall, testContext } from '../../../test/fakes/generation-call-kit.ts';
import { recordingDependencies, runSynchronous, type RecordingDependencies } from '../../../test/fakes/model-test-kit.ts';
import { startOpenAiFake, type OpenAiFake } from '../../../test/fakes/openai-fake-server.ts';
import { openAiFakeSettings } from '../../../test/fakes/openai-test-setup.ts';
import type { GenerationCall } from '../spec/generation-call.ts';
import { findOpenAiModel } from './openai-capabilities.ts';
import { OpenAiImageEditModel } from './openai-image-edit-model.ts';

let fake: OpenAiFake;
let dependencies: RecordingDependencies['dependencies'];
beforeEach(async () => {
  fake = await startOpenAiFake();
  ({ dependencies } = recordingDependencies(() => fake.clock));
});
afterEach(() => fake.stop());

const emoji = (count: number) => '😀'.repeat(count);

function editModel(id: string): OpenAiImageEditModel {
  return new OpenAiImageEditModel(findOpenAiModel(id)!, openAiFakeSettings(fake, { throttleAttempts: 1 }), dependencies());
}

async function call(partial: Partial<GenerationCall>): Promise<GenerationCall> {
  const bytes = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 20, g: 90, b: 200 } } }).png().toBuffer();
  return testCall({ bytes, mediaType: 'image/png', width: 64, height: 64, hasAlpha: false }, partial);
}

async function sentField(modelId: string, partial: Partial<GenerationCall>, field: string): Promise<string | undefined> {
  await runSynchronous(editModel(modelId), await call({ modelId, ...partial }));
  const parts = await fake.parts(fake.editRequests().at(-1)!);
  return parts.find((part) => part.name === field)?.value;
}

async function refusal(modelId: string, partial: Partial<GenerationCall>) {
  const sentBefore = fake.editRequests().length;
  const error = await rejectionOf(editModel(modelId).start(await call({ modelId, ...partial }), testContext()));
  expect(fake.editRequests()).toHaveLength(sentBefore);
  return { code: error.code, status: error.status, message: error.message };
}

describe('OpenAI text limits count characters (code points)', () => {
  it('dall-e-2: a prompt of exactly 1000 emoji is sent, 1001 is a 400', async () => {
    expect(await sentField('dall-e-2', { prompt: emoji(1000) }, 'prompt')).toBe(emoji(1000));
    expect(await refusal('dall-e-2', { prompt: emoji(1001) })).toEqual({
      code: 'parameter_invalid', status: 400,
      message: `Expected a string of at most 1000 characters (dall-e-2's limit) for prompt but received "${emoji(57)}..." (string)`,
    });
  });

  it('the user option: exactly 256 emoji are sent, 257 are a 400', async () => {
    expect(await sentField('gpt-image-1.5', { prompt: 'make it sunset', providerOptions: { user: emoji(256) } }, 'user')).toBe(emoji(256));
    expect(await refusal('gpt-image-1.5', { prompt: 'make it sunset', providerOptions: { user: emoji(257) } })).toEqual({
      code: 'parameter_invalid', status: 400,
      message: `Expected at most 256 characters for provider_options.openai.user but received "${emoji(57)}..." (string)`,
    });
  });
});
