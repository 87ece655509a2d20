/**
 * A provider that answered that its endpoint is retired is taken out of use (`ModelSource.modelRetired`) so that
 * routing falls back. Tasks with a fallback chain must fall back too: the one that got the answer (the provider
 * created nothing) and those already queued for the provider (never sent to it), instead of failing while a request
 * sent a moment later is served elsewhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import type { ProviderModel } from '../providers/spec/provider-model.ts';
import { completedResult, createHarness, deferred, FakeModel, FakeModels, type Harness } from './task-test-harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Fake models that, like `ProviderCatalog`, refuse a retired provider with `provider_not_configured`. */
class RetiringModels extends FakeModels {
  readonly retired = new Map<string, string>();

  override modelFor(providerId: string): ProviderModel {
    const reason = this.retired.get(providerId);
    if (reason !== undefined) throw new GatewayError('provider_not_configured', { reason: `${providerId} is not used: ${reason}` });
    return super.modelFor(providerId);
  }

  modelRetired(providerId: string, _modelId: string, reason: string): void {
    this.retired.set(providerId, reason);
  }
}

function retiredAnswer(): GatewayError {
  return new GatewayError('upstream_endpoint_retired', { provider: 'StepFun', detail: 'HTTP 404' });
}

const completed = async () => ({ status: 'completed' as const, result: completedResult() });

describe('task scheduler: a provider that retired its endpoint', () => {
  it('moves the task that got the answer to its next fallback', async () => {
    const models = new RetiringModels();
    const stepfun = models.add(new FakeModel('stepfun', 'fake-model', async () => {
      throw retiredAnswer();
    }));
    const local = models.add(new FakeModel('local', 'fake-model', completed));
    harness = await createHarness(models);
    const { task } = await harness.service.submit(harness.request('stepfun', { fallbacks: ['local'] }));
    const done = await harness.settled(task.id);
    expect(done).toMatchObject({ state: 'succeeded', providerId: 'local', failedProviders: [{ providerId: 'stepfun', error: expect.objectContaining({ code: 'upstream_endpoint_retired' }) }] });
    expect(stepfun.starts).toHaveLength(1);
    expect(local.starts).toHaveLength(1);
    expect(models.retired.has('stepfun')).toBe(true);
  });

  it('moves a task queued for the provider before it retired to its next fallback', async () => {
    const models = new RetiringModels({ stepfun: 1 });
    const answer = deferred<void>();
    const stepfun = models.add(new FakeModel('stepfun', 'fake-model', async () => {
      await answer.promise;
      throw retiredAnswer();
    }));
    const local = models.add(new FakeModel('local', 'fake-model', completed));
    harness = await createHarness(models);
    const first = await harness.service.submit(harness.request('stepfun', { fallbacks: [] }));
    await expect.poll(() => stepfun.starts.length).toBe(1);
    const queued = await harness.service.submit(harness.request('stepfun', { fallbacks: ['local'] }));
    answer.resolve();

    expect(await harness.settled(first.task.id)).toMatchObject({ state: 'failed', error: expect.objectContaining({ code: 'upstream_endpoint_retired' }) });
    const done = await harness.settled(queued.task.id);
    expect(done).toMatchObject({ state: 'succeeded', providerId: 'local', failedProviders: [{ providerId: 'stepfun', error: expect.objectContaining({ code: 'provider_not_configured' }) }] });
    expect(stepfun.starts).toHaveLength(1); // the queued task never reached the retired provider
    expect(local.starts).toHaveLength(1);
  });

  it('still fails a queued task without fallbacks, saying why', async () => {
    const models = new RetiringModels();
    models.add(new FakeModel('stepfun', 'fake-model', completed));
    models.modelRetired('stepfun', 'fake-model', 'StepFun retired this endpoint');
    harness = await createHarness(models);
    const { task } = await harness.service.submit(harness.request('stepfun'));
    expect(await harness.settled(task.id)).toMatchObject({
      state: 'failed', error: expect.objectContaining({ code: 'provider_not_configured', message: expect.stringContaining('StepFun retired this endpoint') }),
    });
  });
});
