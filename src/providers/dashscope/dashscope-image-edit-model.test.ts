import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { startDashScopeFake, type DashScopeFake } from '../../../test/fakes/dashscope-fake-server.ts';
import { fakeModel } from '../../../test/fakes/dashscope-test-setup.ts';
import { testCall, testContext, testImage, testMask } from '../../../test/fakes/generation-call-kit.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import type { GenerationCall, ImageInput, MaskInput } from '../spec/generation-call.ts';

let fake: DashScopeFake;
let image: ImageInput;
let mask: MaskInput;
beforeEach(async () => {
  fake = await startDashScopeFake({ enforceConcurrency: false });
  image = await testImage(600, 520);
  mask = await testMask(600, 520);
});
afterEach(() => fake.stop());

const dataUri = (bytes: Buffer, mediaType: string) => `data:${mediaType};base64,${bytes.toString('base64')}`;

async function submitted(modelId: string, call: Partial<GenerationCall>) {
  const started = await fakeModel(fake, modelId).start(testCall(image, call), testContext());
  const request = fake.submissions().at(-1)!;
  return { started, request, body: request.json as { model: string; input: Record<string, unknown>; parameters: Record<string, unknown> } };
}

function failure(modelId: string, call: Partial<GenerationCall>): Promise<GatewayError> {
  return rejectionOf(fakeModel(fake, modelId).start(testCall(image, call), testContext()));
}

describe('wanx2.1-imageedit on the wire', () => {
  test('POSTs to the image-synthesis path with exactly the async protocol headers', async () => {
    const { request } = await submitted('wanx2.1-imageedit', { prompt: '把帽子改成红色' });
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/v1/services/aigc/image2image/image-synthesis');
    expect(request.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(request.headers['x-dashscope-async']).toBe('enable');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-dashscope-ossresourceresolve']).toBeUndefined();
  });

  test('the alias wanx2.1-i2i-turbo is never sent upstream', async () => {
    const model = fakeModel(fake, 'wanx2.1-i2i-turbo');
    expect(model.modelId).toBe('wanx2.1-imageedit');
    await model.start(testCall(image, { prompt: 'add a hat' }), testContext());
    expect((fake.submissions()[0].json as { model: string }).model).toBe('wanx2.1-imageedit');
    expect(fake.submissions()[0].rawBody.toString()).not.toContain('i2i-turbo');
  });

  const functionCases: Array<{ name: string; call: () => Partial<GenerationCall>; input: () => Record<string, unknown>; parameters: Record<string, unknown> }> = [
    {
      name: 'description_edit (default without mask) with strength, seed, n and watermark',
      call: () => ({ prompt: '给猫加一顶帽子', strength: 0.4, seed: 7, n: 2, providerOptions: { watermark: true } }),
      input: () => ({ function: 'description_edit', prompt: '给猫加一顶帽子', base_image_url: dataUri(image.bytes, 'image/png') }),
      parameters: { n: 2, seed: 7, strength: 0.4, watermark: true },
    },
    {
      name: 'description_edit_with_mask (default with a mask)',
      call: () => ({ prompt: '陶瓷兔子拿着陶瓷小花', mask }),
      input: () => ({ function: 'description_edit_with_mask', prompt: '陶瓷兔子拿着陶瓷小花', base_image_url: dataUri(image.bytes, 'image/png'), mask_image_url: expect.stringMatching(/^data:image\/png;base64,/) }),
      parameters: { n: 1 },
    },
    {
      name: 'stylization_all with strength',
      call: () => ({ prompt: '转换成法国绘本风格', strength: 0.7, providerOptions: { function: 'stylization_all' } }),
      input: () => ({ function: 'stylization_all', prompt: '转换成法国绘本风格', base_image_url: dataUri(image.bytes, 'image/png') }),
      parameters: { n: 1, strength: 0.7 },
    },
    {
      name: 'stylization_local',
      call: () => ({ prompt: '把房子变成木板风格', providerOptions: { function: 'stylization_local' } }),
      input: () => ({ function: 'stylization_local', prompt: '把房子变成木板风格', base_image_url: dataUri(image.bytes, 'image/png') }),
      parameters: { n: 1 },
    },
    {
      name: 'remove_watermark',
      call: () => ({ prompt: '去除图像中的文字', providerOptions: { function: 'remove_watermark' } }),
      input: () => ({ function: 'remove_watermark', prompt: '去除图像中的文字', base_image_url: dataUri(image.bytes, 'image/png') }),
      parameters: { n: 1 },
    },
    {
      name: 'expand with all four scales',
      call: () => ({ prompt: '一位少女站在海边', providerOptions: { function: 'expand', top_scale: 1.5, bottom_scale: 1, left_scale: 1.25, right_scale: 2 } }),
      input: () => ({ function: 'expand', prompt: '一位少女站在海边', base_image_url: dataUri(image.bytes, 'image/png') }),
      parameters: { n: 1, top_scale: 1.5, bottom_scale: 1, left_scale: 1.25, right_scale: 2 },
    },
    {
      name: 'super_resolution with upscale_factor',
      call: () => ({ prompt: '图像超分', providerOptions: { function: 'super_resolution', upscale_factor: 2 } }),
      input: () => ({ function: 'super_resolution', prompt: '图像超分', base_image_url: dataUri(image.bytes, 'image/png') }),
      parameters: { n: 1, upscale_factor: 2 },
    },
    {
      name: 'colorization with an empty prompt',
      call: () => ({ providerOptions: { function: 'colorization' } }),
      input: () => ({ function: 'colorization', prompt: '', base_image_url: dataUri(image.bytes, 'image/png') }),
      parameters: { n: 1 },
    },
    {
      name: 'doodle with is_sketch',
      call: () => ({ prompt: '一棵松树', seed: 3, providerOptions: { function: 'doodle', is_sketch: true } }),
      input: () => ({ function: 'doodle', prompt: '一棵松树', base_image_url: dataUri(image.bytes, 'image/png') }),
      parameters: { n: 1, seed: 3, is_sketch: true },
    },
    {
      name: 'control_cartoon_feature',
      call: () => ({ prompt: '卡通形象一家人在公园', providerOptions: { function: 'control_cartoon_feature' } }),
      input: () => ({ function: 'control_cartoon_feature', prompt: '卡通形象一家人在公园', base_image_url: dataUri(image.bytes, 'image/png') }),
      parameters: { n: 1 },
    },
  ];

  test.each(functionCases)('function $name: exact body', async ({ call, input, parameters }) => {
    const { body, started } = await submitted('wanx2.1-imageedit', call());
    expect(body).toEqual({ model: 'wanx2.1-imageedit', input: input(), parameters });
    expect(started.status).toBe('pending');
  });

  test('all ten functions are covered above', () => {
    const functions = new Set(functionCases.map((entry) => entry.input().function));
    expect(functions.size).toBe(10);
  });

  test('the mask goes as the RGB PNG DashScope documents: white [255,255,255] = edit, black = keep', async () => {
    const { body } = await submitted('wanx2.1-imageedit', { prompt: 'x', mask });
    const sent = Buffer.from(String(body.input.mask_image_url).split(',')[1], 'base64');
    const { data, info } = await sharp(sent).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([600, 520, 3]);
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    expect(pixel(300, 260)).toEqual([255, 255, 255]);
    expect(pixel(5, 5)).toEqual([0, 0, 0]);
  });

  test('a mask with a function that does not use it is dropped with a warning', async () => {
    const { body, started } = await submitted('wanx2.1-imageedit', { prompt: '转换成金箔艺术风格', mask, providerOptions: { function: 'stylization_all' } });
    expect(body.input.mask_image_url).toBeUndefined();
    expect(started.status === 'pending' && started.warnings?.map((warning) => warning.feature)).toContain('mask');
  });

  test('strength with a function that has none becomes an unsupported warning, not a parameter', async () => {
    const { body, started } = await submitted('wanx2.1-imageedit', { prompt: '去除文字', strength: 0.3, providerOptions: { function: 'remove_watermark' } });
    expect(body.parameters.strength).toBeUndefined();
    expect(started.status === 'pending' && started.warnings).toContainEqual(expect.objectContaining({ type: 'unsupported', feature: 'strength' }));
  });

  test('ignored unified fields each produce one unsupported warning', async () => {
    const { started } = await submitted('wanx2.1-imageedit', { prompt: 'x', negativePrompt: 'y', style: 'oil-painting', size: { width: 1024, height: 1024 }, outputFormat: 'webp' });
    const features = started.status === 'pending' ? started.warnings?.map((warning) => warning.feature) : [];
    expect(features).toEqual(['negative_prompt', 'style', 'size', 'output_format']);
  });

  test('a JPEG input keeps its real MIME type in the data URI', async () => {
    image = await testImage(800, 600, { format: 'jpeg' });
    const { body } = await submitted('wanx2.1-imageedit', { prompt: 'x' });
    expect(String(body.input.base_image_url).startsWith('data:image/jpeg;base64,/9j/')).toBe(true);
  });

  test('a too-small image and its mask are scaled up together (mask stays binary) with one warning', async () => {
    image = await testImage(300, 200);
    mask = await testMask(300, 200);
    const { body, started } = await submitted('wanx2.1-imageedit', { prompt: 'x', mask });
    const sentImage = await sharp(Buffer.from(String(body.input.base_image_url).split(',')[1], 'base64')).metadata();
    const sentMask = Buffer.from(String(body.input.mask_image_url).split(',')[1], 'base64');
    expect([sentImage.width, sentImage.height]).toEqual([768, 512]);
    const maskMetadata = await sharp(sentMask).metadata();
    expect([maskMetadata.width, maskMetadata.height, maskMetadata.channels]).toEqual([768, 512, 3]);
    const maskPixels = await sharp(sentMask).raw().toBuffer({ resolveWithObject: true });
    expect(new Set(maskPixels.data)).toEqual(new Set([0, 255]));
    expect(started.status === 'pending' && started.warnings).toEqual([expect.objectContaining({ type: 'substituted', feature: 'image' })]);
  });

  test('adapt_input false refuses an out-of-limit image instead of changing it', async () => {
    image = await testImage(300, 200);
    const error = await failure('wanx2.1-imageedit', { prompt: 'x', providerOptions: { adapt_input: false } });
    expect(error.code).toBe('provider_cannot_serve');
    expect(error.message).toContain('300×200 is outside 512–4096 px per side');
    expect(fake.submissions()).toHaveLength(0);
  });
});

describe('wanx2.1-imageedit validation (400 before anything is sent, never clamped)', () => {
  const cases: Array<{ name: string; call: () => Partial<GenerationCall>; code: string; message: string }> = [
    { name: 'n above 4', call: () => ({ prompt: 'x', n: 5 }), code: 'parameter_invalid', message: 'Expected an integer between 1 and 4 for n but received 5 (number)' },
    { name: 'seed out of range', call: () => ({ prompt: 'x', seed: 2147483648 }), code: 'parameter_invalid', message: 'Expected an integer between 0 and 2147483647 for seed but received 2147483648 (number)' },
    { name: 'strength above 1', call: () => ({ prompt: 'x', strength: 1.2 }), code: 'parameter_invalid', message: 'Expected a number between 0 and 1 for strength but received 1.2 (number)' },
    { name: 'prompt over 800 characters', call: () => ({ prompt: '字'.repeat(801) }), code: 'parameter_invalid', message: 'Expected at most 800 characters for wanx2.1-imageedit for prompt but received "801 characters" (string)' },
    { name: 'missing prompt for description_edit', call: () => ({}), code: 'parameter_missing', message: 'prompt (function description_edit needs an instruction) request param lost' },
    { name: 'with_mask function without a mask', call: () => ({ prompt: 'x', providerOptions: { function: 'description_edit_with_mask' } }), code: 'parameter_missing', message: 'mask (function description_edit_with_mask) request param lost' },
    { name: 'unknown function', call: () => ({ prompt: 'x', providerOptions: { function: 'stylize' } }), code: 'parameter_invalid', message: expect.stringContaining('Expected one of: stylization_all, stylization_local, description_edit') as unknown as string },
    { name: 'scale out of range', call: () => ({ prompt: 'x', providerOptions: { function: 'expand', top_scale: 2.5 } }), code: 'parameter_invalid', message: 'Expected a number between 1 and 2 for provider_options.aliyun.top_scale but received 2.5 (number)' },
    { name: 'upscale_factor not an integer', call: () => ({ prompt: 'x', providerOptions: { function: 'super_resolution', upscale_factor: 1.5 } }), code: 'parameter_invalid', message: 'Expected an integer for provider_options.aliyun.upscale_factor but received 1.5 (number)' },
    { name: 'option for another function', call: () => ({ prompt: 'x', providerOptions: { upscale_factor: 2 } }), code: 'parameter_invalid', message: 'Expected upscale_factor only with function super_resolution (function is description_edit) for provider_options.aliyun.upscale_factor but received 2 (number)' },
    { name: 'option for another model', call: () => ({ prompt: 'x', providerOptions: { prompt_extend: true } }), code: 'parameter_invalid', message: expect.stringContaining('Expected no prompt_extend option for wanx2.1-imageedit') as unknown as string },
    { name: 'unknown option', call: () => ({ prompt: 'x', providerOptions: { strenght: 1 } }), code: 'parameter_invalid', message: expect.stringContaining('for provider_options.aliyun.strenght') as unknown as string },
    { name: 'watermark not a boolean', call: () => ({ prompt: 'x', providerOptions: { watermark: 'yes' } }), code: 'parameter_invalid', message: 'Expected a boolean for provider_options.aliyun.watermark but received "yes" (string)' },
  ];

  test.each(cases)('$name', async ({ call, code, message }) => {
    const error = await failure('wanx2.1-imageedit', call());
    expect(error.code).toBe(code);
    expect(error.status).toBe(400);
    expect(error.message).toEqual(message);
    expect(fake.submissions()).toHaveLength(0);
  });
});

describe('wanx-x-painting', () => {
  test('uploads image and mask, then submits oss:// URLs with the resolve header', async () => {
    const { body, request, started } = await submitted('wanx-x-painting', {
      prompt: 'a dog wearing red glasses', mask, n: 2, size: { width: 720, height: 1280 }, style: 'watercolor',
      providerOptions: { mask_color: [[255, 255, 255]] },
    });
    const policies = fake.server.requests.filter((entry) => entry.path === '/api/v1/uploads');
    expect(policies).toHaveLength(2);
    expect(policies[0].query.get('action')).toBe('getPolicy');
    expect(policies[0].query.get('model')).toBe('wanx-x-painting');
    expect(policies[0].headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    const uploads = fake.server.requests.filter((entry) => entry.path === '/oss');
    expect(uploads).toHaveLength(2);
    for (const upload of uploads) expect(upload.headers.authorization).toBeUndefined();
    expect(request.headers['x-dashscope-ossresourceresolve']).toBe('enable');
    expect(body).toEqual({
      model: 'wanx-x-painting',
      input: { prompt: 'a dog wearing red glasses', base_image_url: expect.stringMatching(/^oss:\/\/dashscope-instant\/.+\.png$/), mask_image_url: expect.stringMatching(/^oss:\/\/.+\.png$/) },
      parameters: { n: 2, size: '720*1280', style: '<watercolor>', mask_color: [[255, 255, 255]] },
    });
    expect(fake.uploadedFile(String(body.input.base_image_url))?.equals(image.bytes)).toBe(true);
    expect(started.status === 'pending' && started.warnings).toContainEqual(expect.objectContaining({ type: 'other', feature: 'image', details: expect.stringContaining('48 hours') }));
  });

  test("takes Atelier's hyphenated style ids for DashScope's spaced style names", async () => {
    const { body } = await submitted('wanx-x-painting', { prompt: 'a dog', mask, style: 'oil-painting' });
    expect(body.parameters.style).toBe('<oil painting>');
    const bracketed = await submitted('wanx-x-painting', { prompt: 'a dog', mask, style: '<3d-cartoon>' });
    expect(bracketed.body.parameters.style).toBe('<3d cartoon>');
  });

  test('is an inpainting model: no mask is a 400', async () => {
    const error = await failure('wanx-x-painting', { prompt: 'x' });
    expect(error.message).toBe('mask (wanx-x-painting repaints inside a mask) request param lost');
  });

  test('refuses sizes, styles and prompts outside its lists', async () => {
    expect((await failure('wanx-x-painting', { prompt: 'x', mask, size: { width: 512, height: 512 } })).message)
      .toBe('Expected one of: 1024x1024, 720x1280, 1280x720 for size but received "512x512" (string)');
    expect((await failure('wanx-x-painting', { prompt: 'x', mask, style: 'pixel-art' })).code).toBe('parameter_invalid');
    expect((await failure('wanx-x-painting', { prompt: 'p'.repeat(76), mask })).message).toContain('at most 75 characters');
    expect((await failure('wanx-x-painting', { prompt: 'x', mask, providerOptions: { input_transport: 'data-uri' } })).message)
      .toContain('temporary-upload (wanx-x-painting accepts URLs only)');
    expect((await failure('wanx-x-painting', { prompt: 'x', mask, providerOptions: { mask_color: [[0, 0, 256]] } })).message)
      .toContain('provider_options.aliyun.mask_color.0.2');
  });

  test('a failed upload is an upstream error and nothing is submitted', async () => {
    fake.failNext('oss-upload', { kind: 'answer', answer: { status: 403, body: '<Error><Code>AccessDenied</Code></Error>' } });
    const error = await failure('wanx-x-painting', { prompt: 'x', mask });
    expect(error.code).toBe('upstream_unavailable');
    expect(error.retryable).toBe(false);
    expect(fake.submissions()).toHaveLength(0);
  });
});

describe('wanx2.1-imageedit with input_transport temporary-upload', () => {
  test('uploads instead of inlining, and says so', async () => {
    const { body, request, started } = await submitted('wanx2.1-imageedit', { prompt: 'x', providerOptions: { input_transport: 'temporary-upload' } });
    expect(String(body.input.base_image_url)).toMatch(/^oss:\/\//);
    expect(request.headers['x-dashscope-ossresourceresolve']).toBe('enable');
    expect(started.status === 'pending' && started.warnings?.[0].details).toContain('As input_transport asked');
  });
});

describe('wanx-style-repaint-v1', () => {
  test('POSTs to the image-generation path with image_url and style_index only', async () => {
    const { request, body } = await submitted('wanx-style-repaint-v1', { style: '3' });
    expect(request.path).toBe('/api/v1/services/aigc/image-generation/generation');
    expect(body).toEqual({ model: 'wanx-style-repaint-v1', input: { image_url: dataUri(image.bytes, 'image/png'), style_index: 3 } });
  });

  test('style_index -1 with a style reference image', async () => {
    const reference = `data:image/png;base64,${image.bytes.toString('base64')}`;
    const { body } = await submitted('wanx-style-repaint-v1', { providerOptions: { style_index: -1, style_ref_url: reference } });
    expect(body.input).toEqual({ image_url: dataUri(image.bytes, 'image/png'), style_index: -1, style_ref_url: reference });
  });

  test('requires a style, refuses unknown indices, n > 1 and ratios beyond 2:1', async () => {
    expect((await failure('wanx-style-repaint-v1', {})).code).toBe('parameter_missing');
    expect((await failure('wanx-style-repaint-v1', { style: '12' })).message).toContain('Expected a style index, one of: 0, 1, 2');
    expect((await failure('wanx-style-repaint-v1', { style: '3', n: 2 })).message).toBe('Expected 1 (wanx-style-repaint-v1 makes one output per call) for n but received 2 (number)');
    expect((await failure('wanx-style-repaint-v1', { providerOptions: { style_index: -1 } })).code).toBe('parameter_missing');
    image = await testImage(1200, 500);
    expect((await failure('wanx-style-repaint-v1', { style: '3' })).message).toContain('at most 2:1');
  });

  test('prompt, mask and strength are ignored with warnings', async () => {
    const { started } = await submitted('wanx-style-repaint-v1', { style: '0', prompt: 'x', mask, strength: 0.5 });
    expect(started.status === 'pending' && started.warnings?.map((warning) => warning.feature)).toEqual(['prompt', 'mask', 'strength']);
  });
});
