import { createLogger } from '../../src/logging/logger.ts';
import type { GenerationCall } from '../../src/providers/spec/generation-call.ts';
import type { ProviderDependencies } from '../../src/providers/spec/provider-definition.ts';
import type { CallContext, GenerationResult, ProviderModel } from '../../src/providers/spec/provider-model.ts';
import { FakeClock, fakeDependencies } from './fake-server-kit.ts';
import { testContext } from './generation-call-kit.ts';

/**
 * Scaffolding shared by the adapter tests of synchronous providers (StepFun, Tencent, OpenAI): dependencies that
 * record what the adapter waited for and logged, a `start` that must finish at once, and the dependencies of the
 * live tests.
 */

/** Dependencies on a fake's clock that record backoff waits and log lines for the test to assert. */
export interface RecordingDependencies {
  /** Every backoff wait asked for, in ms: recorded, not slept, so tests stay fast and can assert the delays. */
  sleeps: number[];
  /** Every log line written at debug level and above (to prove credentials stay out of them). */
  logLines: string[];
  /** `fakeDependencies` recording into `sleeps` and `logLines`; `overrides` replace single members (e.g. `now`). */
  dependencies(overrides?: Partial<ProviderDependencies>): ProviderDependencies;
}

/**
 * Fresh recording dependencies. `clock` is read on each `dependencies()` call, so a test that restarts its fake
 * (with other options) gets the new fake's clock.
 *
 * @example ({ sleeps, logLines, dependencies } = recordingDependencies(() => fake.clock));
 */
export function recordingDependencies(clock: () => FakeClock): RecordingDependencies {
  const sleeps: number[] = [];
  const logLines: string[] = [];
  return {
    sleeps,
    logLines,
    dependencies: (overrides = {}) => fakeDependencies(clock(), {
      logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
      sleep: async (milliseconds) => { sleeps.push(milliseconds); },
      ...overrides,
    }),
  };
}

/** Runs `start` of a synchronous adapter, which must complete without an operation to poll, and returns its result. */
export async function runSynchronous(model: ProviderModel, call: GenerationCall, context: CallContext = testContext()): Promise<GenerationResult> {
  const started = await model.start(call, context);
  if (started.status !== 'completed') throw new Error(`${model.providerId} is synchronous: start must complete`);
  return started.result;
}

/**
 * Dependencies for a live test against the real provider: real time and real waits, warnings logged to stderr;
 * the kit's engine stub refuses work (cloud adapters never use it).
 */
export function liveDependencies(): ProviderDependencies {
  return fakeDependencies(new FakeClock(Date.now()), {
    logger: createLogger({ level: 'warn' }),
    now: () => new Date(),
    sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
  });
}
