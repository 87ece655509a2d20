import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { schedulerResubmits } from '../../../test/fakes/scheduler-verdict.ts';
import { testCall, testContext } from '../../../test/fakes/generation-call-kit.ts';
import { recordingDependencies, type RecordingDependencies } from '../../../test/fakes/model-test-kit.ts';
import { startOpenAiFake, type OpenAiFake } from '../../../test/fakes/openai-fake-server.ts';
import { openAiFakeSettings } from '../../../test/fakes/openai-test-setup.ts';
import { findOpenAiModel } from './openai-capabilities.ts';
import { OpenAiImageEditModel } from './openai-image-edit-model.ts';
import type { OpenAiSettings } from './openai-settings.ts';

/**
 * A dall-e-2 edit that answered 200 with URLs was made and billed; a failed download of those URLs
 * (spec §6 "download at once") must not make the scheduler resubmit the edit.
 */

let fake: OpenAiFake;
let dependencies: RecordingDependencies['dependencies'];

const settings = (overrides: Partial<OpenAiSettings> = {}) => openAiFakeSettings(fake, overrides);

beforeEach(async () => {
  fake = await startOpenAiFake();
  ({ dependencies } = recordingDependencies(() => fake.clock));
});
afterEach(() => fake.stop());

describe('failures after OpenAI made (and billed) the images', () => {
  it('a dall-e-2 url result whose download answers 429 is not resubmitted', async () => {
    fake.server.script({ match: (request) => request.path.startsWith('/files/'), behaviour: { kind: 'answer', answer: { status: 429, body: 'slow down' } } });
    const { edit, call } = await dallE2UrlEdit(1);
    const error = await rejectionOf(edit.start(call, testContext()));
    expect(fake.editRequests()).toHaveLength(1);
    expect(schedulerResubmits(error)).toBe(false);
  });
});

describe('several images of one billed call', () => {
  it('keeps the images that were read when another one cannot be downloaded, with a warning naming it', async () => {
    fake.server.script({ match: (request) => request.path.startsWith('/files/'), behaviour: { kind: 'answer', answer: { status: 404, body: 'gone' } } });
    const { edit, call } = await dallE2UrlEdit(3);
    const started = await edit.start(call, testContext());
    if (started.status !== 'completed') throw new Error('expected a completed call');
    expect(fake.editRequests()).toHaveLength(1);
    expect(started.result.outputs).toHaveLength(2);
    expect(started.result.usage).toEqual({ images: 2 });
    expect(started.result.warnings).toContainEqual(expect.objectContaining({ feature: 'n', details: expect.stringMatching(/^Result 1 of 3 could not be read/) }));
  });

  it('fails, without a resubmission, when none of them can be read', async () => {
    fake.server.script({ match: (request) => request.path.startsWith('/files/'), behaviour: { kind: 'answer', answer: { status: 404, body: 'gone' } }, times: 2 });
    const { edit, call } = await dallE2UrlEdit(2);
    const error = await rejectionOf(edit.start(call, testContext()));
    expect(error.code).toBe('upstream_unavailable');
    expect(schedulerResubmits(error)).toBe(false);
  });
});

/** A dall-e-2 edit of `n` images answered with URLs (which the fake serves, unless a script says otherwise). */
async function dallE2UrlEdit(n: number) {
  const bytes = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 20, g: 90, b: 200 } } }).png().toBuffer();
  const edit = new OpenAiImageEditModel(findOpenAiModel('dall-e-2')!, settings(), dependencies());
  const call = testCall({ bytes, mediaType: 'image/png', width: 64, height: 64, hasAlpha: false }, {
    modelId: 'dall-e-2', prompt: 'make it sunset', n, providerOptions: { response_format: 'url' },
  });
  return { edit, call };
}
