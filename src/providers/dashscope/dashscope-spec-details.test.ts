import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { rejectionOf } from '../../../test/fakes/caught-gateway-error.ts';
import { startDashScopeFake, type DashScopeFake } from '../../../test/fakes/dashscope-fake-server.ts';
import { fakeModel } from '../../../test/fakes/dashscope-test-setup.ts';
import { testCall, testContext, testImage } from '../../../test/fakes/generation-call-kit.ts';

/** Spec details the main adapter tests do not reach: cancel answers without a body, style-repaint's input bounds. */

let fake: DashScopeFake;
beforeEach(async () => {
  fake = await startDashScopeFake();
});
afterEach(() => fake.stop());

describe('cancel (spec §3.3: response body unverified, treat any 2xx as accepted)', () => {
  test('a 2xx cancel answer without a JSON body is accepted, not reported as a bad response', async () => {
    const model = fakeModel(fake, 'wanx2.1-imageedit');
    const started = await model.start(testCall(await testImage(600, 520), { prompt: 'add a hat' }), testContext());
    if (started.status !== 'pending') throw new Error('DashScope is async');
    fake.failNext('cancel', { kind: 'answer', answer: { status: 204 } });
    await expect(model.cancel!(started.operation)).resolves.toBeUndefined();
  });
});

describe('wanx-style-repaint-v1 input bounds (spec §4.3 and §7: 256×256 to 5760×3240, long:short ≤ 2:1)', () => {
  test('a 3400×3400 portrait (short side above 3240) is refused before submission when adaptation is off', async () => {
    const model = fakeModel(fake, 'wanx-style-repaint-v1');
    const call = testCall(await testImage(3400, 3400), { style: '3', providerOptions: { adapt_input: false } });
    const error = await rejectionOf(model.start(call, testContext()));
    expect(error.status).toBe(400);
    expect(fake.submissions()).toHaveLength(0);
  });
});
