/**
 * A provider whose every model answered "retired" is out of use until the next configuration change, but its
 * settings are still in config.json: the control plane must treat it as the configured provider it is stored as.
 * PUT (a new key, a description) is that configuration change and puts it back in use; POST still finds it exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStepFunFake, type StepFunFake } from '../fakes/stepfun-fake-server.ts';
import { createTestApp } from '../support/test-context.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

let fake: StepFunFake;
let harness: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  fake = await startStepFunFake();
  harness = await createTestApp({ config: { providers: { stepfun: { api_key: fake.apiKey, base_url: fake.baseUrl, models: 'step-2x-large,step-1x-medium' } } } });
});
afterAll(async () => {
  await harness?.close();
  await fake?.stop();
});

describe('the control plane on a provider whose every model was retired', () => {
  it('updates it with PUT (which puts it back in use) and refuses to create it again with POST', async () => {
    fake.retire();
    const photo = (await makePhotoLikeImage(512, 512, 'jpeg')).toString('base64');
    for (const model of ['step-2x-large', 'step-1x-medium']) {
      const retired = await harness.post('/aog/v0.2/services/image-to-image', { model, image: photo, image_type: 'base64', prompt: '换成油画风格', hybrid_policy: 'always_remote' });
      const retiredAnswer = await retired.text(); expect(retiredAnswer).toContain('upstream_endpoint_retired');
    }
    expect(harness.context.catalog.isConfigured('stepfun')).toBe(false);

    const create = await harness.post('/aog/v0.2/service_provider', { service_name: 'image-to-image', service_source: 'remote', api_flavor: 'stepfun', auth_key: JSON.stringify({ api_key: 'sk-another-key-0123456789' }) });
    expect(create.status).toBe(409);
    expect(((await create.json()) as { code: string }).code).toBe('provider_already_exists');

    const update = await harness.app.request('/aog/v0.2/service_provider', {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider_name: 'stepfun', desc: 'after the retirement' }),
    });
    const answer = (await update.json()) as { data: { configured: boolean } };
    expect(update.status, JSON.stringify(answer)).toBe(200);
    expect(answer.data.configured).toBe(true);
    expect(harness.context.providerDescription('stepfun')).toBe('after the retirement');
  });
});
