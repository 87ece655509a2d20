import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import { UpstreamFailure } from '../providers/shared/upstream-failure.ts';
import { createMemoryTaskBackend } from './memory/create-memory-task-backend.ts';
import { makeTaskRecord } from './task-backend.case.test.ts';
import { fallbackWarnings, specForCurrentProvider } from './provider-fallback.ts';
import { toTaskResource } from './task-resource.ts';
import { completedResult, createHarness, deferred, FakeModel, FakeModels, resultPng, untilAborted, type Harness } from './task-test-harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const completed = async () => ({ status: 'completed' as const, result: completedResult() });

/** What DashScope's adapter throws for a 5xx on submit: retryable by nature, but never to be resubmitted there. */
function serverError(provider: string): GatewayError {
  return new GatewayError('upstream_unavailable', { provider, reason: 'HTTP 500 InternalError' }, { cause: new UpstreamFailure('http', { httpStatus: 500 }), retryable: false });
}

function throttled(provider: string): GatewayError {
  return new GatewayError('upstream_rate_limited', { provider, providerCode: 'Throttling', attempts: 3 }, { cause: new UpstreamFailure('http', { httpStatus: 429 }) });
}

function failing(providerId: string, error: (index: number) => GatewayError): FakeModel {
  return new FakeModel(providerId, 'fake-model', async (_call, _context, index) => {
    throw error(index);
  });
}

describe('task scheduler: fallback chain', () => {
  it('moves to the next provider when the first fails with a retryable error, and says so in the result', async () => {
    const models = new FakeModels();
    const aliyun = models.add(failing('aliyun', () => serverError('aliyun')));
    const local = models.add(new FakeModel('local', 'fake-model', completed));
    harness = await createHarness(models);
    const retries: Array<{ provider: string; state: string }> = [];
    harness.events.on('task-retry', ({ task }) => retries.push({ provider: task.providerId, state: task.state }));
    const request = harness.request('aliyun', { fallbacks: ['local'], providerOptions: { aliyun: { function: 'stylization_all' } } });
    const { task } = await harness.service.submit(request);
    const done = await harness.settled(task.id);

    expect(done).toMatchObject({ state: 'succeeded', providerId: 'local', modelId: 'fake-model', attempts: 1, operation: null });
    expect(done.failedProviders).toEqual([{
      providerId: 'aliyun', modelId: 'fake-model', attempts: 1, failedAt: expect.any(String),
      error: expect.objectContaining({ code: 'upstream_unavailable', message: 'aliyun is unavailable (HTTP 500 InternalError)' }),
    }]);
    // A 5xx may hide an accepted task: never resubmitted to aliyun, but another provider cannot duplicate it.
    expect(aliyun.starts).toHaveLength(1);
    expect(local.starts).toHaveLength(1);
    expect(aliyun.starts[0].call.providerOptions).toEqual({ function: 'stylization_all' });
    expect(local.starts[0].call.providerOptions).toEqual({});
    expect(local.starts[0].context.idempotencyKey).not.toBe(aliyun.starts[0].context.idempotencyKey);
    expect(retries).toEqual([{ provider: 'local', state: 'queued' }]);
    expect(done.warnings).toEqual([
      { type: 'substituted', feature: 'model', details: 'prepared by the harness' },
      { type: 'substituted', feature: 'provider', details: 'aliyun (fake-model) failed with upstream_unavailable: aliyun is unavailable (HTTP 500 InternalError); local (fake-model) served the request instead' },
      { type: 'unsupported', feature: 'provider_options', details: 'provider options were meant for aliyun and were not sent to local' },
      { type: 'other', feature: 'test', details: 'from the fake model' },
    ]);
    const resource = toTaskResource(done, 'http://atelier.test');
    expect(resource).toMatchObject({ provider: 'local', attempts: 1 });
    expect(resource.failed_providers).toEqual([{
      provider: 'aliyun', model: 'fake-model', attempts: 1, failed_at: expect.any(String),
      error: { code: 'upstream_unavailable', message: 'aliyun is unavailable (HTTP 500 InternalError)' },
    }]);
  });

  it('uses up the provider\'s own retries first when resubmitting is safe (429), then falls back', async () => {
    const models = new FakeModels();
    const aliyun = models.add(failing('aliyun', () => throttled('aliyun')));
    const tencent = models.add(new FakeModel('tencent', 'fake-model', completed));
    harness = await createHarness(models, { maxAttempts: 2 });
    const { task } = await harness.service.submit(harness.request('aliyun', { fallbacks: ['tencent'] }));
    const done = await harness.settled(task.id);
    expect(done).toMatchObject({ state: 'succeeded', providerId: 'tencent', attempts: 1, failedProviders: [{ providerId: 'aliyun', attempts: 2 }] });
    expect(aliyun.starts).toHaveLength(2);
    expect(tencent.starts).toHaveLength(1);
  });

  it('does not fall back after bad input, rejected credentials or refused content', async () => {
    const errors = [
      new GatewayError('upstream_invalid_request', { provider: 'aliyun', providerCode: 'InvalidParameter', providerMessage: 'bad size' }),
      new GatewayError('upstream_auth_failed', { provider: 'aliyun', providerCode: 'InvalidApiKey' }),
      new GatewayError('upstream_content_rejected', { provider: 'aliyun', providerCode: 'DataInspectionFailed', providerMessage: 'refused' }),
    ];
    const models = new FakeModels();
    models.add(failing('aliyun', (index) => errors[index]));
    const local = models.add(new FakeModel('local', 'fake-model', completed));
    harness = await createHarness(models);
    for (const error of errors) {
      const { task } = await harness.service.submit(harness.request('aliyun', { fallbacks: ['local'] }));
      const done = await harness.settled(task.id);
      expect(done).toMatchObject({ state: 'failed', providerId: 'aliyun', error: { code: error.code } });
      expect(done.failedProviders).toBeUndefined();
    }
    expect(local.starts).toHaveLength(0);
  });

  it('fails with the last provider\'s error when every provider of the chain failed', async () => {
    const models = new FakeModels();
    models.add(failing('aliyun', () => serverError('aliyun')));
    const tencent = models.add(failing('tencent', () => new GatewayError('upstream_timeout', { provider: 'tencent', timeoutMs: 30000 }, { cause: new UpstreamFailure('timeout') })));
    harness = await createHarness(models);
    const { task } = await harness.service.submit(harness.request('aliyun', { fallbacks: ['tencent'] }));
    const done = await harness.settled(task.id);
    expect(done).toMatchObject({ state: 'failed', providerId: 'tencent', error: { code: 'upstream_timeout' }, failedProviders: [{ providerId: 'aliyun', error: { code: 'upstream_unavailable' } }] });
    expect(tencent.starts).toHaveLength(1);
    await expect(harness.service.run(harness.request('aliyun', { fallbacks: ['tencent'] }), {})).rejects.toMatchObject({ code: 'upstream_timeout' });
  });

  it('falls back when the provider reports its accepted task failed retryably, never when it failed for good', async () => {
    const models = new FakeModels();
    const outcomes = [
      new GatewayError('upstream_unavailable', { provider: 'aliyun', reason: 'task FAILED with InternalError.Algo' }),
      new GatewayError('upstream_task_failed', { provider: 'aliyun', providerCode: 'InvalidFile', providerMessage: 'cannot read' }),
    ];
    const aliyun = models.add(new FakeModel('aliyun', 'fake-model', async (_call, _context, index) => ({ status: 'pending', operation: { taskId: `upstream-${index}` } }), {
      status: async (operation) => ({ status: 'failed', error: outcomes[(operation as { taskId: string }).taskId === 'upstream-0' ? 0 : 1] }),
    }));
    const local = models.add(new FakeModel('local', 'fake-model', completed));
    harness = await createHarness(models);
    const first = await harness.settled((await harness.service.submit(harness.request('aliyun', { fallbacks: ['local'] }))).task.id);
    expect(first).toMatchObject({ state: 'succeeded', providerId: 'local', operation: null, failedProviders: [{ providerId: 'aliyun', error: { code: 'upstream_unavailable' } }] });
    const second = await harness.settled((await harness.service.submit(harness.request('aliyun', { fallbacks: ['local'] }))).task.id);
    expect(second).toMatchObject({ state: 'failed', providerId: 'aliyun', operation: { taskId: 'upstream-1' }, error: { code: 'upstream_task_failed' } });
    expect(aliyun.starts).toHaveLength(2);
    expect(local.starts).toHaveLength(1);
  });

  it('stops the chain on cancel', async () => {
    const models = new FakeModels();
    models.add(failing('aliyun', () => serverError('aliyun')));
    const local = models.add(new FakeModel('local', 'fake-model', async (_call, context) => untilAborted(context.signal)));
    const tencent = models.add(new FakeModel('tencent', 'fake-model', completed));
    harness = await createHarness(models);
    const { task } = await harness.service.submit(harness.request('aliyun', { fallbacks: ['local', 'tencent'] }));
    await expect.poll(() => local.starts.length).toBe(1);
    await harness.service.cancel(task.id);
    expect(await harness.settled(task.id)).toMatchObject({ state: 'canceled', providerId: 'local', outputs: [] });
    expect(local.starts[0].context.signal.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tencent.starts).toHaveLength(0);
    await expect.poll(() => harness!.backend.queue.size()).toBe(0);
  });

  it('gives an image stored for a provider option (a style reference) to the first provider only, and says so', () => {
    const task = makeTaskRecord({ providerId: 'aliyun', modelId: 'wanx-style-repaint-v1' });
    task.spec.providerOptionFiles = { style_ref_url: { fileId: `${'7'.repeat(64)}.png`, mediaType: 'image/png' } };
    expect(specForCurrentProvider(task).providerOptionFiles).toEqual(task.spec.providerOptionFiles);

    const failedProviders = [{ providerId: 'aliyun', modelId: 'wanx-style-repaint-v1', attempts: 1, failedAt: task.createdAt, error: serverError('aliyun').toJSON() }];
    const fellBack = { ...task, providerId: 'local', modelId: 'fake-model', failedProviders };
    const spec = specForCurrentProvider(fellBack);
    expect(spec).toMatchObject({ providerId: 'local', providerOptions: {} });
    expect(spec).not.toHaveProperty('providerOptionFiles');
    // The stored option alone (its other options empty) is still an option the fallback did not get.
    expect(fallbackWarnings(fellBack)).toContainEqual({
      type: 'unsupported', feature: 'provider_options', details: 'provider options were meant for aliyun and were not sent to local',
    });
  });

  it('persists the switch first: a restarted scheduler carries on with the fallback and never re-submits to the failed provider', async () => {
    const backend = createMemoryTaskBackend();
    const before = new FakeModels();
    const aliyunBefore = before.add(failing('aliyun', () => serverError('aliyun')));
    const localBefore = before.add(new FakeModel('local', 'fake-model', completed));
    const first = await createHarness(before, { backend });
    // The process "dies" the moment the switch is written: nothing more is claimed.
    first.events.on('task-retry', () => void first.scheduler.stop());
    const { task } = await first.service.submit(first.request('aliyun', { fallbacks: ['local'] }));
    await expect.poll(async () => (await backend.store.get(task.id))?.providerId).toBe('local');
    await first.scheduler.stop();
    expect(await backend.store.get(task.id)).toMatchObject({ state: 'queued', providerId: 'local', attempts: 0, operation: null });
    expect(await backend.queue.get(task.id)).toMatchObject({ providerId: 'local' });
    expect(localBefore.starts).toHaveLength(0);

    const after = new FakeModels();
    const aliyunAfter = after.add(failing('aliyun', () => serverError('aliyun')));
    const localAfter = after.add(new FakeModel('local', 'fake-model', completed));
    harness = await createHarness(after, { backend });
    expect(await harness.settled(task.id)).toMatchObject({ state: 'succeeded', providerId: 'local', failedProviders: [{ providerId: 'aliyun' }] });
    expect(aliyunBefore.starts).toHaveLength(1);
    expect(aliyunAfter.starts).toHaveLength(0);
    expect(localAfter.starts).toHaveLength(1);
    await first.close();
  });

  it('moves a queue entry that a crash left under the failed provider before running the task', async () => {
    const backend = createMemoryTaskBackend();
    const models = new FakeModels();
    const aliyun = models.add(new FakeModel('aliyun', 'fake-model', completed));
    const release = deferred();
    const local = models.add(new FakeModel('local', 'fake-model', async () => {
      await release.promise;
      return completed();
    }));
    harness = await createHarness(models, { backend, manualStart: true });
    const storedImage = await harness.fileStore.put(resultPng, 'image/png');
    const base = makeTaskRecord();
    const crashed = makeTaskRecord({
      providerId: 'local', modelId: 'fake-model', state: 'queued', operation: null,
      spec: { ...base.spec, providerId: 'aliyun', modelId: 'fake-model', image: { ...base.spec.image, fileId: storedImage.id }, fallbacks: [{ providerId: 'local', modelId: 'fake-model' }] },
      failedProviders: [{ providerId: 'aliyun', modelId: 'fake-model', attempts: 1, error: serverError('aliyun').toJSON(), failedAt: new Date().toISOString() }],
    });
    await backend.store.insert(crashed);
    await backend.queue.enqueue({ taskId: crashed.id, providerId: 'aliyun', availableAt: 0 });
    await backend.queue.claim({ owner: 'dead-process', now: 0, leaseMilliseconds: 3_600_000, excludeProviders: [] });

    await harness.scheduler.start();
    await expect.poll(() => local.starts.length).toBe(1);
    // It runs under local's concurrency limit, not under the provider that failed.
    expect(harness.scheduler.runningCounts()).toEqual({ local: 1 });
    expect(await backend.queue.get(crashed.id)).toMatchObject({ providerId: 'local' });
    release.resolve();
    expect(await harness.settled(crashed.id)).toMatchObject({ state: 'succeeded', providerId: 'local' });
    expect(aliyun.starts).toHaveLength(0);
    expect(local.starts).toHaveLength(1);
    await expect.poll(() => backend.queue.size()).toBe(0);
  });
});
