/**
 * stepfun.md §6: an answer saying the endpoint is retired fails that request with `upstream_endpoint_retired` and
 * takes the model out of use, so routing falls back (here to the embedded engine) instead of calling it again; once
 * every model of the provider answered so, the provider is out of use too.
 * In process, with the real StepFun adapter against the StepFun fake on a base URL of its own (StepFun's own hosts
 * are treated as retired by date already).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStepFunFake, type StepFunFake } from '../fakes/stepfun-fake-server.ts';
import { createTestApp } from '../support/test-context.ts';
import { makePhotoLikeImage } from '../support/test-images.ts';

const route = '/aog/v0.2/services/image-to-image';
let fake: StepFunFake;
let harness: Awaited<ReturnType<typeof createTestApp>>;
let photo: string;

type Answer = Record<string, any>;

beforeAll(async () => {
  fake = await startStepFunFake();
  harness = await createTestApp({ env: { STEPFUN_API_KEY: fake.apiKey, STEPFUN_BASE_URL: fake.baseUrl, STEPFUN_MODELS: 'step-2x-large,step-1x-medium' } });
  photo = (await makePhotoLikeImage(512, 512, 'jpeg')).toString('base64');
});
afterAll(async () => {
  await harness?.close();
  await fake?.stop();
});

async function stepfunProvider(): Promise<Answer> {
  const listing = (await (await harness.app.request('/v1/providers')).json()) as Answer;
  return (listing.data ?? listing.providers ?? listing).find((provider: Answer) => provider.id === 'stepfun');
}

async function stepfunModel(id: string): Promise<Answer> {
  const listing = (await (await harness.app.request('/v1/models?service=image-to-image')).json()) as { models: Answer[] };
  return listing.models.find((model) => model.id === id)!;
}

describe('a provider that answers "retired"', () => {
  it('fails that request with upstream_endpoint_retired, then routing no longer chooses it', async () => {
    const body = { model: 'step-2x-large', image: photo, image_type: 'base64', prompt: '换成油画风格' };
    expect(await stepfunProvider()).toMatchObject({ configured: true });
    fake.retire();

    const first = await harness.post(route, body);
    const firstAnswer = (await first.json()) as Answer;
    expect(first.status, JSON.stringify(firstAnswer)).toBe(502);
    expect(firstAnswer).toMatchObject({ code: 'upstream_endpoint_retired', retryable: false });
    expect(fake.image2imageRequests()).toHaveLength(1);

    const model = await stepfunModel('step-2x-large');
    expect(model.configured).toBe(false);
    expect(model.unavailable_reason).toContain('StepFun retired this endpoint');
    // Its other model may still answer: the provider stays in use until that one says so too.
    expect(await stepfunProvider()).toMatchObject({ configured: true });

    const second = await harness.post(route, body);
    const secondAnswer = (await second.json()) as Answer;
    expect(second.status, JSON.stringify(secondAnswer)).toBe(200);
    expect(secondAnswer.warnings).toContainEqual(expect.objectContaining({ type: 'substituted', feature: 'model' }));
    expect(fake.image2imageRequests()).toHaveLength(1); // never called again

    const other = await harness.post(route, { ...body, model: 'step-1x-medium' });
    expect(other.status, await other.clone().text()).toBe(502);
    expect(fake.image2imageRequests()).toHaveLength(2);
    expect(await stepfunProvider()).toMatchObject({ configured: false, unavailable_reason: expect.stringContaining('StepFun retired this endpoint') });
  });
});
