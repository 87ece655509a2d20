import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { postToDashScopeFake, startDashScopeFake, type DashScopeFake } from '../../../test/fakes/dashscope-fake-server.ts';
import { fakeModel } from '../../../test/fakes/dashscope-test-setup.ts';
import { testCall, testContext, testImage, testMask } from '../../../test/fakes/generation-call-kit.ts';

/**
 * A second pass over `specs/dashscope.md`: the input forms each model takes (§4), the style reference image of
 * wanx-style-repaint-v1 (§4.3 "same limits", §7 real MIME type), mask_color against Atelier's canonical mask
 * (§4.2, §7) and the video `template` that makes DashScope ignore the prompt (§4.4).
 */

let fake: DashScopeFake;
beforeEach(async () => {
  fake = await startDashScopeFake({ enforceConcurrency: false });
});
afterEach(() => fake.stop());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) => postToDashScopeFake(fake, path, body, headers);

const imageSynthesis = '/services/aigc/image2image/image-synthesis';
const styleRepaintPath = '/services/aigc/image-generation/generation';
const videoSynthesis = '/services/aigc/video-generation/video-synthesis';

describe('the fake accepts bare base64 only where the spec does (§4: only wanx-style-repaint-v1 takes "a base64 string")', () => {
  test('wanx2.1-imageedit base_image_url (public URL or data: URI) refuses bare base64', async () => {
    const bare = (await testImage(600, 520)).bytes.toString('base64');
    const answer = await post(imageSynthesis, { model: 'wanx2.1-imageedit', input: { function: 'description_edit', prompt: 'x', base_image_url: bare }, parameters: {} });
    expect(answer.status).toBe(400);
  });

  test('image-to-video img_url (URL, oss:// or data: URI) refuses bare base64', async () => {
    const bare = (await testImage(640, 480, { format: 'jpeg' })).bytes.toString('base64');
    const answer = await post(videoSynthesis, { model: 'wanx2.1-i2v-turbo', input: { img_url: bare }, parameters: {} });
    expect(answer.status).toBe(400);
  });

  test('wanx-x-painting (URLs only) refuses bare base64', async () => {
    const bare = (await testImage(600, 520)).bytes.toString('base64');
    const maskBare = (await testMask(600, 520)).bytes.toString('base64');
    const answer = await post(imageSynthesis, { model: 'wanx-x-painting', input: { prompt: 'x', base_image_url: bare, mask_image_url: maskBare }, parameters: {} });
    expect(answer.status).toBe(400);
  });

  test('wanx-style-repaint-v1 image_url still takes bare base64', async () => {
    const bare = (await testImage(600, 520)).bytes.toString('base64');
    const answer = await post(styleRepaintPath, { model: 'wanx-style-repaint-v1', input: { image_url: bare, style_index: 3 } });
    expect(answer.status).toBe(200);
  });
});

describe('wanx-style-repaint-v1 style_ref_url has the limits of image_url (§4.3)', () => {
  const repaint = async (styleRef: string, headers: Record<string, string> = {}) => post(styleRepaintPath, {
    model: 'wanx-style-repaint-v1',
    input: { image_url: `data:image/png;base64,${(await testImage(600, 520)).bytes.toString('base64')}`, style_index: -1, style_ref_url: styleRef },
  }, headers);

  test('the fake refuses a reference image below 256×256', async () => {
    const small = await testImage(100, 100);
    const answer = await repaint(`data:image/png;base64,${small.bytes.toString('base64')}`);
    expect([answer.status, answer.body.code]).toEqual([400, 'InvalidImageResolution']);
  });

  test('the fake refuses a reference data URI whose declared type is not its content', async () => {
    const jpeg = await testImage(600, 520, { format: 'jpeg' });
    expect((await repaint(`data:image/png;base64,${jpeg.bytes.toString('base64')}`)).status).toBe(400);
  });

  test('the fake refuses an oss:// reference without X-DashScope-OssResourceResolve', async () => {
    expect((await repaint('oss://dashscope-instant/unknown/ref.png')).status).toBe(400);
  });

  test('the fake still accepts a public URL and a valid data URI', async () => {
    expect((await repaint('https://example.com/style.png')).status).toBe(200);
    expect((await repaint(`data:image/png;base64,${(await testImage(400, 300)).bytes.toString('base64')}`)).status).toBe(200);
  });

  test('the adapter refuses an out-of-limit reference data URI before anything is sent', async () => {
    const small = await testImage(100, 100);
    const call = testCall(await testImage(600, 520), { providerOptions: { style_index: -1, style_ref_url: `data:image/png;base64,${small.bytes.toString('base64')}` } });
    const error = await rejectionOf(fakeModel(fake, 'wanx-style-repaint-v1').start(call, testContext()));
    expect(error.status).toBe(400);
    expect(error.message).toContain('provider_options.aliyun.style_ref_url');
    expect(fake.submissions()).toHaveLength(0);
  });

  test('checkParameters refuses it before any task exists with the error start gives, one rule for both', async () => {
    const model = fakeModel(fake, 'wanx-style-repaint-v1');
    const image = await testImage(600, 520);
    // Sniffs as PNG and is one byte over the 10 MB limit (its data URI still fits the option's 14,000,000 characters).
    const oversized = Buffer.alloc(10 * 1024 * 1024 + 1);
    (await testImage(400, 300)).bytes.copy(oversized);
    const references = [
      `data:image/png;base64,${(await testImage(100, 100)).bytes.toString('base64')}`,
      `data:image/png;base64,${oversized.toString('base64')}`,
      `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]).toString('base64')}`,
    ];
    const messages: string[] = [];
    for (const reference of references) {
      const call = testCall(image, { providerOptions: { style_index: -1, style_ref_url: reference } });
      const before = await rejectionOf(Promise.resolve(model.checkParameters!(call)));
      const during = await rejectionOf(model.start(call, testContext()));
      expect([before.code, before.status, before.message]).toEqual([during.code, during.status, during.message]);
      messages.push(before.message);
    }
    expect(messages).toEqual([
      'Expected an image from 256×256 to 5760×3240 px with a long:short side ratio of at most 2:1 for provider_options.aliyun.style_ref_url but received "100×100" (string)',
      `Expected an image of at most 10485760 bytes for provider_options.aliyun.style_ref_url but received "${oversized.length} bytes" (string)`,
      'Expected an image from 256×256 to 5760×3240 px with a long:short side ratio of at most 2:1 for provider_options.aliyun.style_ref_url but received "0×0" (string)',
    ]);
    expect(fake.submissions()).toHaveLength(0);
  });

  test('checkParameters takes a public URL and a reference within the limits, handing back a data URI\'s checked bytes', async () => {
    const model = fakeModel(fake, 'wanx-style-repaint-v1');
    const image = await testImage(600, 520);
    const check = (reference: string) => Promise.resolve(model.checkParameters!({ ...testCall(image), providerOptions: { style_index: -1, style_ref_url: reference } }));
    await expect(check('https://example.com/style.png')).resolves.toBeUndefined();
    // Labelled PNG, a JPEG: the bytes preparation stores, with the type `start` will send them as (§7).
    const jpeg = await testImage(400, 300, { format: 'jpeg' });
    const checked = await check(`data:image/png;base64,${jpeg.bytes.toString('base64')}`);
    expect(Object.keys(checked?.optionImages ?? {})).toEqual(['style_ref_url']);
    expect(checked!.optionImages!.style_ref_url.mediaType).toBe('image/jpeg');
    expect(checked!.optionImages!.style_ref_url.bytes.equals(jpeg.bytes)).toBe(true);
  });

  test('the adapter sends a reference data URI with the MIME type sniffed from its bytes (§7)', async () => {
    const jpeg = await testImage(600, 520, { format: 'jpeg' });
    const call = testCall(await testImage(600, 520), { providerOptions: { style_index: -1, style_ref_url: `data:image/png;base64,${jpeg.bytes.toString('base64')}` } });
    const started = await fakeModel(fake, 'wanx-style-repaint-v1').start(call, testContext());
    expect(started.status).toBe('pending');
    const input = (fake.submissions()[0].json as { input: Record<string, unknown> }).input;
    expect(input.style_ref_url).toBe(`data:image/jpeg;base64,${jpeg.bytes.toString('base64')}`);
  });
});

describe('wanx-x-painting mask_color against the canonical mask (§4.2, §7)', () => {
  test('a mask_color that does not select the white (edit) pixels Atelier sends is refused before any upload', async () => {
    // Atelier always sends its canonical mask, white = edit, black = keep: [[0,0,0]] would repaint the kept area.
    const call = testCall(await testImage(600, 520), { prompt: 'a hat', mask: await testMask(600, 520), providerOptions: { mask_color: [[0, 0, 0]] } });
    const error = await rejectionOf(fakeModel(fake, 'wanx-x-painting').start(call, testContext()));
    expect(error.code).toBe('parameter_invalid');
    expect(error.message).toContain('provider_options.aliyun.mask_color');
    expect(fake.server.requests).toHaveLength(0);
  });

  test('a mask_color of colours the canonical mask never holds is refused too (it would select nothing)', async () => {
    const call = testCall(await testImage(600, 520), { prompt: 'a hat', mask: await testMask(600, 520), providerOptions: { mask_color: [[134, 134, 134]] } });
    const error = await rejectionOf(fakeModel(fake, 'wanx-x-painting').start(call, testContext()));
    expect(error.code).toBe('parameter_invalid');
    expect(fake.server.requests).toHaveLength(0);
  });
});

describe('image-to-video template (§4.4: the prompt is ignored when template is set)', () => {
  test('a prompt sent with a template comes back with an unsupported warning', async () => {
    const image = await testImage(640, 480, { format: 'jpeg' });
    const started = await fakeModel(fake, 'wanx2.1-i2v-turbo').start(
      testCall(image, { service: 'image-to-video', prompt: 'a cat runs', providerOptions: { template: 'flying' } }), testContext());
    expect(started.status === 'pending' && started.warnings).toContainEqual(expect.objectContaining({ type: 'unsupported', feature: 'prompt' }));
  });

  test('no warning without a prompt', async () => {
    const image = await testImage(640, 480, { format: 'jpeg' });
    const started = await fakeModel(fake, 'wanx2.1-i2v-turbo').start(
      testCall(image, { service: 'image-to-video', providerOptions: { template: 'flying' } }), testContext());
    expect(started.status === 'pending' && started.warnings).toEqual([]);
  });
});
