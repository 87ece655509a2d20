/**
 * DashScope documents its text limits in characters (spec: prompt ≤ 800, negative_prompt ≤ 500, template ≤ 64):
 * a text of astral characters (emoji, CJK Extension B) counts one per character, not one per UTF-16 unit.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { startDashScopeFake, type DashScopeFake } from '../../../test/fakes/dashscope-fake-server.ts';
import { fakeModel } from '../../../test/fakes/dashscope-test-setup.ts';
import { testCall, testContext, testImage } from '../../../test/fakes/generation-call-kit.ts';
import type { GenerationCall, ImageInput } from '../spec/generation-call.ts';

let fake: DashScopeFake;
let image: ImageInput;
beforeEach(async () => {
  fake = await startDashScopeFake({ enforceConcurrency: false });
  image = await testImage(640, 480, { format: 'jpeg' });
});
afterEach(() => fake.stop());

const emoji = (count: number) => '😀'.repeat(count);

async function submittedInput(modelId: string, call: Partial<GenerationCall>): Promise<Record<string, unknown>> {
  await fakeModel(fake, modelId).start(testCall(image, call), testContext());
  return (fake.submissions().at(-1)!.json as { input: Record<string, unknown> }).input;
}

async function refusal(modelId: string, call: Partial<GenerationCall>) {
  const submittedBefore = fake.submissions().length;
  const error = await rejectionOf(fakeModel(fake, modelId).start(testCall(image, call), testContext()));
  expect(fake.submissions()).toHaveLength(submittedBefore);
  return { code: error.code, status: error.status, message: error.message };
}

describe('DashScope text limits count characters (code points)', () => {
  test('wanx2.1-imageedit: a prompt of exactly 800 emoji is sent, 801 is a 400', async () => {
    expect((await submittedInput('wanx2.1-imageedit', { prompt: emoji(800) })).prompt).toBe(emoji(800));
    expect(await refusal('wanx2.1-imageedit', { prompt: emoji(801) })).toEqual({
      code: 'parameter_invalid', status: 400,
      message: 'Expected at most 800 characters for wanx2.1-imageedit for prompt but received "801 characters" (string)',
    });
  });

  test('wanx2.1-i2v-turbo: a negative prompt of exactly 500 emoji is sent, 501 is a 400', async () => {
    const video = { service: 'image-to-video' as const, prompt: 'a cat runs' };
    expect((await submittedInput('wanx2.1-i2v-turbo', { ...video, negativePrompt: emoji(500) })).negative_prompt).toBe(emoji(500));
    expect(await refusal('wanx2.1-i2v-turbo', { ...video, negativePrompt: emoji(501) })).toEqual({
      code: 'parameter_invalid', status: 400,
      message: 'Expected at most 500 characters for wanx2.1-i2v-turbo for negative_prompt but received "501 characters" (string)',
    });
  });

  test('the template option: exactly 64 emoji are sent, 65 are a 400', async () => {
    const video = { service: 'image-to-video' as const, prompt: 'a cat runs' };
    expect((await submittedInput('wanx2.1-i2v-turbo', { ...video, providerOptions: { template: emoji(64) } })).template).toBe(emoji(64));
    expect(await refusal('wanx2.1-i2v-turbo', { ...video, providerOptions: { template: emoji(65) } })).toEqual({
      code: 'parameter_invalid', status: 400,
      message: `Expected at most 64 characters for provider_options.aliyun.template but received "${emoji(57)}..." (string)`,
    });
  });
});
