import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { startDashScopeFake, type DashScopeFake } from '../../../test/fakes/dashscope-fake-server.ts';
import { fakeModel } from '../../../test/fakes/dashscope-test-setup.ts';
import { testCall, testContext, testImage } from '../../../test/fakes/generation-call-kit.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import type { GenerationCall, ImageInput } from '../spec/generation-call.ts';
import type { ProviderModel, StatusResult } from '../spec/provider-model.ts';

let fake: DashScopeFake;
let image: ImageInput;
beforeEach(async () => {
  fake = await startDashScopeFake();
  image = await testImage(640, 480, { format: 'jpeg' });
});
afterEach(() => fake.stop());

const videoCall = (overrides: Partial<GenerationCall> = {}) => testCall(image, { service: 'image-to-video', ...overrides });

async function finish(model: ProviderModel, call: GenerationCall): Promise<StatusResult> {
  const started = await model.start(call, testContext());
  if (started.status !== 'pending') throw new Error('video is async');
  let outcome: StatusResult = { status: 'pending' };
  for (let poll = 0; poll < 10 && outcome.status === 'pending'; poll += 1) outcome = await model.status!(started.operation, testContext());
  return outcome;
}

function failure(modelId: string, call: GenerationCall): Promise<GatewayError> {
  return rejectionOf(fakeModel(fake, modelId).start(call, testContext()));
}

describe('DashScope image-to-video on the wire', () => {
  test('wan2.2-i2v-plus: video-synthesis path, default 1080P, no duration field (fixed 5 s)', async () => {
    await fakeModel(fake, 'wan2.2-i2v-plus').start(videoCall({ prompt: '一只猫在草地上奔跑' }), testContext());
    const request = fake.submissions()[0];
    expect(request.path).toBe('/api/v1/services/aigc/video-generation/video-synthesis');
    expect(request.headers['x-dashscope-async']).toBe('enable');
    expect(request.json).toEqual({
      model: 'wan2.2-i2v-plus',
      input: { img_url: `data:image/jpeg;base64,${image.bytes.toString('base64')}`, prompt: '一只猫在草地上奔跑' },
      parameters: { resolution: '1080P' },
    });
  });

  test('wanx2.1-i2v-turbo: every documented field', async () => {
    await fakeModel(fake, 'wanx2.1-i2v-turbo').start(videoCall({
      prompt: 'a cat runs', negativePrompt: 'flowers', resolution: '480P', duration: 3, seed: 12345,
      providerOptions: { prompt_extend: false, watermark: true, template: 'flying' },
    }), testContext());
    expect(fake.submissions()[0].json).toEqual({
      model: 'wanx2.1-i2v-turbo',
      input: { img_url: expect.stringMatching(/^data:image\/jpeg;base64,/), prompt: 'a cat runs', negative_prompt: 'flowers', template: 'flying' },
      parameters: { resolution: '480P', duration: 3, prompt_extend: false, watermark: true, seed: 12345 },
    });
  });

  test('an alpha PNG outside 360–2000 px is flattened and scaled, with one warning, and DashScope accepts it', async () => {
    image = await testImage(300, 400, { alpha: true });
    const started = await fakeModel(fake, 'wan2.2-i2v-plus').start(videoCall({ prompt: 'x' }), testContext());
    const sent = Buffer.from(String((fake.submissions()[0].json as { input: { img_url: string } }).input.img_url).split(',')[1], 'base64');
    const metadata = await sharp(sent).metadata();
    expect([metadata.format, metadata.hasAlpha, metadata.width, metadata.height]).toEqual(['png', false, 360, 480]);
    expect(started.status === 'pending' && started.warnings).toEqual([expect.objectContaining({ type: 'substituted', feature: 'image' })]);
    expect(fake.tasks.size).toBe(1);
  });

  test('refuses resolutions and durations the model does not make, and n > 1', async () => {
    expect((await failure('wan2.2-i2v-plus', videoCall({ resolution: '720P' }))).message).toBe('Expected one of: 480P, 1080P for wan2.2-i2v-plus for resolution but received "720P" (string)');
    expect((await failure('wan2.2-i2v-plus', videoCall({ duration: 4 }))).message).toBe('Expected 5 (wan2.2-i2v-plus makes 5 s clips) for duration but received 4 (number)');
    expect((await failure('wanx2.1-i2v-turbo', videoCall({ duration: 6 }))).message).toBe('Expected one of: 3, 4, 5 seconds for wanx2.1-i2v-turbo for duration but received 6 (number)');
    expect((await failure('wanx2.1-i2v-turbo', videoCall({ n: 2 }))).code).toBe('parameter_invalid');
    expect((await failure('wanx2.1-i2v-turbo', videoCall({ negativePrompt: 'n'.repeat(501) }))).message).toContain('at most 500 characters');
    expect((await failure('wanx2.1-i2v-turbo', videoCall({ providerOptions: { function: 'expand' } }))).message).toContain('no function option for wanx2.1-i2v-turbo');
    expect(fake.submissions()).toHaveLength(0);
  });

  test('usage: wan2.2 reports usage.duration, wanx2.1 usage.video_duration; the MP4 is downloaded', async () => {
    const plus = await finish(fakeModel(fake, 'wan2.2-i2v-plus'), videoCall());
    expect(plus.status === 'completed' && plus.result.usage).toEqual({ videoSeconds: 5 });
    const turbo = await finish(fakeModel(fake, 'wanx2.1-i2v-turbo'), videoCall({ duration: 4 }));
    expect(turbo.status === 'completed' && turbo.result.usage).toEqual({ videoSeconds: 4 });
    if (turbo.status !== 'completed') return;
    expect(turbo.result.outputs[0].mediaType).toBe('video/mp4');
    expect(turbo.result.outputs[0].bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  test('mask, strength and motion are ignored with warnings', async () => {
    const started = await fakeModel(fake, 'wan2.2-i2v-plus').start(videoCall({ strength: 0.5, motion: 'zoom-in', mask: { bytes: Buffer.alloc(0), width: 1, height: 1 } }), testContext());
    expect(started.status === 'pending' && started.warnings?.map((warning) => warning.feature)).toEqual(['mask', 'strength', 'motion']);
  });

  test('polls video every 15 s', () => {
    const model = fakeModel(fake, 'wan2.2-i2v-plus');
    expect([0, 1, 10, 50].map((attempt) => model.pollIntervalMs!(attempt))).toEqual([15_000, 15_000, 15_000, 15_000]);
  });
});
