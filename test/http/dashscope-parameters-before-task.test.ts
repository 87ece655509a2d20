/**
 * DashScope parameters are checked before any task exists (`ProviderModel.checkParameters`): a value the model
 * cannot take is a 400 on `POST /v1/tasks` too, with the error the synchronous AOG route gives, instead of a 202 for
 * a task that fails later. In process, the real DashScope adapter against the DashScope fake.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashScopeFake, type DashScopeFake } from '../fakes/dashscope-fake-server.ts';
import { createTestApp } from '../support/test-context.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

type Answer = Record<string, any>;
type Service = 'image-to-image' | 'image-to-video';

let fake: DashScopeFake;
let harness: Awaited<ReturnType<typeof createTestApp>>;
let photo: string;
let mask: string;
/** Style reference data URIs wanx-style-repaint-v1 refuses (spec §4.3: the limits of image_url) and one it takes. */
let tinyStyleReference: string;
let gifStyleReference: string;
let goodStyleReference: string;

beforeAll(async () => {
  fake = await startDashScopeFake();
  harness = await createTestApp({
    env: { DASHSCOPE_API_KEY: fake.apiKey, DASHSCOPE_BASE_URL: fake.baseUrl, ATELIER_MAX_POLL_INTERVAL_MS: '20', ATELIER_TASK_ATTEMPTS: '1' },
  });
  // 640×480: inside every model's input limits, so nothing about the image itself can be the reason for a refusal.
  photo = (await makePhotoLikeImage(640, 480, 'jpeg')).toString('base64');
  const whiteSquare = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#ffffff' } }).png().toBuffer();
  mask = (await sharp({ create: { width: 640, height: 480, channels: 3, background: '#000000' } })
    .composite([{ input: whiteSquare, left: 220, top: 140 }]).png().toBuffer()).toString('base64');
  tinyStyleReference = `data:image/png;base64,${(await makePhotoLikeImage(100, 100, 'png')).toString('base64')}`;
  const gif = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#336699' } }).gif().toBuffer();
  gifStyleReference = `data:image/gif;base64,${gif.toString('base64')}`;
  // Labelled PNG but a JPEG: accepted, and sent with the type sniffed from its bytes.
  goodStyleReference = `data:image/png;base64,${(await makePhotoLikeImage(400, 300, 'jpeg')).toString('base64')}`;
});
afterAll(async () => {
  await harness?.close();
  await fake?.stop();
});

async function listedTaskIds(): Promise<string[]> {
  const page = (await (await harness.app.request('/v1/tasks?limit=100')).json()) as Answer;
  return (page.data as Answer[]).map((task) => task.id as string);
}

async function answerOf(response: Response): Promise<{ status: number; body: Answer }> {
  return { status: response.status, body: (await response.json()) as Answer };
}

/** What each case sends: the AOG body, without `service` (added for `POST /v1/tasks`). */
const invalidCases: Array<{ name: string; service: Service; body: () => Record<string, unknown>; message: RegExp }> = [
  {
    name: 'an expand scale out of range for function expand',
    service: 'image-to-image',
    body: () => ({ model: 'wanx2.1-imageedit', image: photo, image_type: 'base64', prompt: '向四周扩展画面', provider_options: { aliyun: { function: 'expand', top_scale: 3 } } }),
    message: /top_scale/,
  },
  {
    name: 'an option of another function (upscale_factor without super_resolution)',
    service: 'image-to-image',
    body: () => ({ model: 'wanx2.1-imageedit', image: photo, image_type: 'base64', prompt: '改为油画风格', strength: 0.5, provider_options: { aliyun: { upscale_factor: 2 } } }),
    message: /upscale_factor only with function super_resolution \(function is description_edit\)/,
  },
  {
    name: 'an option of another function with a mask (the default function is then description_edit_with_mask)',
    service: 'image-to-image',
    body: () => ({ model: 'wanx2.1-imageedit', image: photo, image_type: 'base64', mask, mask_type: 'base64', prompt: '改为油画风格', provider_options: { aliyun: { is_sketch: true } } }),
    message: /is_sketch only with function doodle \(function is description_edit_with_mask\)/,
  },
  {
    name: 'an unknown function',
    service: 'image-to-image',
    body: () => ({ model: 'wanx2.1-imageedit', image: photo, image_type: 'base64', prompt: '改为油画风格', provider_options: { aliyun: { function: 'make_it_pop' } } }),
    message: /function/,
  },
  {
    name: 'an unknown provider option',
    service: 'image-to-image',
    body: () => ({ model: 'wanx2.1-imageedit', image: photo, image_type: 'base64', prompt: '改为油画风格', provider_options: { dashscope: { sharpness: 3 } } }),
    message: /sharpness/,
  },
  {
    name: 'a prompt missing for a function that needs one',
    service: 'image-to-image',
    body: () => ({ model: 'wanx2.1-imageedit', image: photo, image_type: 'base64', provider_options: { aliyun: { function: 'stylization_all' } } }),
    message: /prompt \(function stylization_all needs an instruction\)/,
  },
  {
    name: 'a mask_color without Atelier\'s white edit area (wanx-x-painting)',
    service: 'image-to-image',
    body: () => ({ model: 'wanx-x-painting', image: photo, image_type: 'base64', mask, mask_type: 'base64', prompt: '一只猫', provider_options: { aliyun: { mask_color: [[0, 0, 0]] } } }),
    message: /mask_color/,
  },
  {
    name: 'no mask for wanx-x-painting',
    service: 'image-to-image',
    body: () => ({ model: 'wanx-x-painting', image: photo, image_type: 'base64', prompt: '一只猫' }),
    message: /mask \(wanx-x-painting repaints inside a mask\)/,
  },
  {
    name: 'a style index wanx-style-repaint-v1 does not have',
    service: 'image-to-image',
    body: () => ({ model: 'wanx-style-repaint-v1', image: photo, image_type: 'base64', style: '99' }),
    message: /style/,
  },
  {
    name: 'a style reference image below the input limits (wanx-style-repaint-v1)',
    service: 'image-to-image',
    body: () => ({ model: 'wanx-style-repaint-v1', image: photo, image_type: 'base64', provider_options: { aliyun: { style_index: -1, style_ref_url: tinyStyleReference } } }),
    message: /^Expected an image from 256×256 to 5760×3240 px with a long:short side ratio of at most 2:1 for provider_options\.aliyun\.style_ref_url but received "100×100" \(string\)$/,
  },
  {
    name: 'a style reference image of a type the model does not take (GIF)',
    service: 'image-to-image',
    body: () => ({ model: 'wanx-style-repaint-v1', image: photo, image_type: 'base64', provider_options: { aliyun: { style_index: -1, style_ref_url: gifStyleReference } } }),
    message: /^Expected an image in one of jpeg, png, bmp, webp for provider_options\.aliyun\.style_ref_url but received "image\/gif" \(string\)$/,
  },
  {
    name: 'a style reference data URI that is no image',
    service: 'image-to-image',
    body: () => ({ model: 'wanx-style-repaint-v1', image: photo, image_type: 'base64', provider_options: { aliyun: { style_index: -1, style_ref_url: `data:image/png;base64,${Buffer.from('not an image at all').toString('base64')}` } } }),
    message: /^Expected an image in one of jpeg, png, bmp, webp for provider_options\.aliyun\.style_ref_url but received "bytes that are no known image" \(string\)$/,
  },
  {
    name: 'a resolution the video model does not make (wan2.2-i2v-plus at 720P)',
    service: 'image-to-video',
    body: () => ({ model: 'wan2.2-i2v-plus', image: photo, image_type: 'base64', prompt: '让云朵缓缓移动', resolution: '720P' }),
    message: /resolution/,
  },
  {
    name: 'a duration the video model does not make (wan2.2-i2v-flash for 3 s)',
    service: 'image-to-video',
    body: () => ({ model: 'wan2.2-i2v-flash', image: photo, image_type: 'base64', prompt: '让云朵缓缓移动', duration: 3 }),
    message: /duration/,
  },
];

describe('DashScope parameters are refused before any task exists', () => {
  it.each(invalidCases)('$name: 400 on POST /v1/tasks, as on the AOG route, no task, nothing sent to DashScope', async ({ service, body, message }) => {
    const tasksBefore = await listedTaskIds();
    const requestsBefore = fake.server.requests.length;

    const queued = await answerOf(await harness.post('/v1/tasks', { service, ...body() }));
    expect(queued.status, JSON.stringify(queued.body)).toBe(400);
    expect(queued.body.message).toMatch(message);
    expect(await listedTaskIds()).toEqual(tasksBefore);
    expect(fake.server.requests.length - requestsBefore).toBe(0); // no submission, no temporary upload either

    const synchronous = await answerOf(await harness.post(`/aog/v0.2/services/${service}`, body()));
    expect(synchronous.status, JSON.stringify(synchronous.body)).toBe(400);
    expect(queued.body).toEqual(synchronous.body);
    expect(await listedTaskIds()).toEqual(tasksBefore);
    expect(fake.server.requests.length - requestsBefore).toBe(0);
  });

  it('answers 400 to an asynchronous AOG video call too, with no task', async () => {
    const tasksBefore = await listedTaskIds();
    const requestsBefore = fake.server.requests.length;
    const response = await harness.post('/aog/v0.2/services/image-to-video', {
      model: 'wanx2.1-i2v-turbo', image: photo, image_type: 'base64', prompt: '让云朵缓缓移动', duration: 2, async: true,
    });
    const answer = (await response.json()) as Answer;
    expect(response.status, JSON.stringify(answer)).toBe(400);
    expect(answer).toMatchObject({ code: 'parameter_invalid', message: 'Expected one of: 3, 4, 5 seconds for wanx2.1-i2v-turbo for duration but received 2 (number)' });
    expect(await listedTaskIds()).toEqual(tasksBefore);
    expect(fake.server.requests.length - requestsBefore).toBe(0);
  });

  it('still accepts a valid request with 202', async () => {
    const submissionsBefore = fake.submissions().length;
    const response = await harness.post('/v1/tasks', {
      service: 'image-to-image', model: 'wanx2.1-imageedit', image: photo, image_type: 'base64', prompt: '改为油画风格', strength: 0.5,
      provider_options: { aliyun: { function: 'stylization_all', watermark: false } },
    });
    const task = (await response.json()) as Answer;
    expect(response.status, JSON.stringify(task)).toBe(202);
    expect(await listedTaskIds()).toContain(task.id);
    await expect.poll(() => fake.submissions().length - submissionsBefore).toBe(1);
  });

  it('still runs a task with a good style reference image to the end', async () => {
    const submissionsBefore = fake.submissions().length;
    const response = await harness.post('/v1/tasks', {
      service: 'image-to-image', model: 'wanx-style-repaint-v1', image: photo, image_type: 'base64',
      provider_options: { aliyun: { style_index: -1, style_ref_url: goodStyleReference } },
    });
    const task = (await response.json()) as Answer;
    expect(response.status, JSON.stringify(task)).toBe(202);
    await expect.poll(async () => ((await (await harness.app.request(`/v1/tasks/${task.id}`)).json()) as Answer).state).toBe('succeeded');
    const sent = fake.submissions().slice(submissionsBefore);
    expect(sent).toHaveLength(1);
    const input = (sent[0].json as { input: Record<string, unknown> }).input;
    expect(input.style_ref_url).toBe(goodStyleReference.replace('data:image/png;', 'data:image/jpeg;'));
  });
});
