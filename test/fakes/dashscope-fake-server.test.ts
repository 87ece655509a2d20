import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { postToDashScopeFake, startDashScopeFake, type DashScopeFake } from './dashscope-fake-server.ts';
import { testImage } from './generation-call-kit.ts';

/** The fake must refuse what DashScope refuses, or adapter tests prove nothing. */
let fake: DashScopeFake;
let imageUri: string;
beforeEach(async () => {
  fake = await startDashScopeFake();
  imageUri = `data:image/png;base64,${(await testImage(600, 520)).bytes.toString('base64')}`;
});
afterEach(() => fake.stop());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) => postToDashScopeFake(fake, path, body, headers);
const imageEdit = (input: Record<string, unknown>, parameters: Record<string, unknown> = {}) =>
  ({ model: 'wanx2.1-imageedit', input: { function: 'description_edit', prompt: 'x', base_image_url: imageUri, ...input }, parameters });
const path = '/services/aigc/image2image/image-synthesis';

describe('DashScope fake', () => {
  test('no async header: 403 with the documented message', async () => {
    const answer = await post(path, imageEdit({}), { 'x-dashscope-async': '' });
    expect(answer.status).toBe(403);
    expect(answer.body.message).toBe('current user api does not support synchronous calls');
  });

  test('wrong key: 401 InvalidApiKey', async () => {
    const answer = await post(path, imageEdit({}), { authorization: 'Bearer sk-wrong' });
    expect([answer.status, answer.body.code]).toEqual([401, 'InvalidApiKey']);
  });

  test.each([
    ['the alias wanx2.1-i2i-turbo', () => ({ model: 'wanx2.1-i2i-turbo', input: {} })],
    ['an unknown function', () => imageEdit({ function: 'sharpen' })],
    ['n = 5', () => imageEdit({}, { n: 5 })],
    ['a prompt of 801 characters', () => imageEdit({ prompt: 'x'.repeat(801) })],
    ['with_mask without a mask', () => imageEdit({ function: 'description_edit_with_mask' })],
    ['strength for remove_watermark', () => imageEdit({ function: 'remove_watermark' }, { strength: 0.5 })],
    ['a wrongly declared MIME type', () => imageEdit({ base_image_url: imageUri.replace('image/png', 'image/jpeg') })],
  ])('refuses %s with 400', async (_name, body) => {
    const answer = await post(path, body());
    expect(answer.status).toBe(400);
  });

  test('per-model concurrency: the third running imageedit task gets 429 with Retry-After', async () => {
    expect((await post(path, imageEdit({}))).status).toBe(200);
    expect((await post(path, imageEdit({}))).status).toBe(200);
    const response = await fetch(`${fake.baseUrl}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.apiKey}`, 'x-dashscope-async': 'enable' }, body: JSON.stringify(imageEdit({})),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
  });

  test('cancel works for PENDING only; polls move PENDING → RUNNING → SUCCEEDED', async () => {
    const first = (await post(path, imageEdit({}))).body.output!.task_id;
    expect((await post(`/tasks/${first}/cancel`, {})).status).toBe(200);
    const second = (await post(path, imageEdit({}))).body.output!.task_id;
    const statuses: string[] = [];
    for (let poll = 0; poll < 4; poll += 1) {
      const response = await fetch(`${fake.baseUrl}/tasks/${second}`, { headers: { authorization: `Bearer ${fake.apiKey}` } });
      statuses.push(((await response.json()) as { output: { task_status: string } }).output.task_status);
    }
    expect(statuses).toEqual(['PENDING', 'RUNNING', 'SUCCEEDED', 'SUCCEEDED']);
    expect((await post(`/tasks/${second}/cancel`, {})).body.code).toBe('UnsupportedOperation');
  });
});
