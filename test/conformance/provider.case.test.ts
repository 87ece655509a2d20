import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { GatewayError } from '../../src/errors/gateway-error.ts';
import type { ErrorCode } from '../../src/errors/catalogue.ts';
import type { ModelCapabilities } from '../../src/providers/spec/capabilities.ts';
import type { GenerationCall, ImageInput } from '../../src/providers/spec/generation-call.ts';
import type { ProviderDefinition, ProviderDependencies } from '../../src/providers/spec/provider-definition.ts';
import type { GenerationResult, JsonValue, ProviderModel, StartResult } from '../../src/providers/spec/provider-model.ts';
import type { Warning } from '../../src/providers/spec/warning.ts';
import { rejectionOf } from '../fakes/caught-gateway-error.ts';
import { FakeClock, fakeDependencies, refusedOrigin } from '../fakes/fake-server-kit.ts';
import { testCall, testContext, testImage, testMask } from '../fakes/generation-call-kit.ts';

/**
 * The one conformance suite every provider adapter runs (code-style practice 4, sketch D). An adapter's
 * `<id>.conformance.test.ts` is a few lines:
 *
 * ```ts
 * runProviderConformance({
 *   name: 'dashscope', definition: dashscopeProvider, modelId: 'wanx2.1-imageedit',
 *   fake: startDashScopeConformanceFake,
 *   settings: (fake, overrides) => ({ ...base, baseUrl: overrides.baseUrl ?? fake.baseUrl, … }),
 *   skip: [{ reason: 'no seed upstream', tests: ['maps seed'] }],
 * });
 * ```
 *
 * What is checked is driven by the model's declared capabilities: a parameter the model declares must be mapped
 * (seen by the fake), one it does not declare must come back as an `unsupported` warning; async cases run only for
 * `callModel: 'async'`. A case an adapter cannot pass is skipped by name with a reason, never silently.
 */

/** Failures every fake can produce on the next submit, in the provider's own wire shape. */
export type ConformanceFailure =
  | 'auth' | 'rate-limit' | 'server-error' | 'invalid-request' | 'content-rejected' | 'quota' | 'hang' | 'malformed-json';

/** Ways an async task can end badly, produced by the fake for the next task. */
export type ConformanceTaskFailure = 'failed' | 'content-rejected';

/** What the adapter sent, translated by the fake into unified terms (so the suite needs no wire knowledge). */
export interface SubmissionView {
  prompt?: string;
  /** The unified strength as sent (after any documented inversion, the value the provider reads as "more change"). */
  strength?: number;
  n?: number;
  size?: { width: number; height: number };
  seed?: number;
  /** Bytes of the image as the provider received it (decoded from data URI, base64, multipart or upload). */
  image?: Buffer;
  /** Bytes of the mask as received, and the convention it is in. */
  mask?: { bytes: Buffer; convention: 'white' | 'alpha' };
}

/** The contract between the suite and a provider's fake. */
export interface ConformanceFake {
  /** The provider's base URL on the fake (what the adapter's base-URL setting would be). */
  baseUrl: string;
  /** Secrets the fake checks (keys); the suite asserts they never leak. */
  secrets: readonly string[];
  /** Headers the provider's protocol uses, lower-cased (e.g. `authorization`, `x-dashscope-async`). */
  allowedHeaders: readonly string[];
  /** Translates the last submission, undefined when nothing was submitted. */
  lastSubmission(): Promise<SubmissionView | undefined>;
  submissionCount(): number;
  /** Header sets of every request received (names lower-cased). */
  requestHeaders(): Array<Record<string, string>>;
  /** Result-file downloads received so far (async/URL providers; sync base64 providers return 0 and skip). */
  resultDownloadCount(): number;
  /** The next submit fails like this; with `echoSecret` the provider message repeats the key. */
  failNextSubmit(failure: ConformanceFailure, options?: { echoSecret?: boolean }): void;
  /** Async providers: the next task ends like this. */
  failNextTask?(failure: ConformanceTaskFailure): void;
  /** Async providers: forget every task (as after 24 h), so a status poll meets an unknown task. */
  forgetTasks?(): void;
  clock: FakeClock;
  stop(): Promise<void>;
}

/** Settings overrides the suite needs; the adapter's `settings` function applies them to its own settings type. */
export interface ConformanceSettingsOverrides {
  /** A base URL where nothing listens (connection refused). */
  baseUrl?: string;
  /** A short per-call timeout, for the hang case. */
  timeoutMs?: number;
}

export interface ConformanceSkip {
  reason: string;
  tests: readonly ConformanceCase[];
}

export const conformanceCases = [
  'rejects a missing image',
  'maps prompt',
  'maps strength',
  'maps size',
  'maps n',
  'maps seed',
  'maps or warns on mask',
  'sends the image bytes unchanged when within limits',
  'adapts an out-of-limit image with a warning',
  'maps provider errors with the right retryable',
  'does not resubmit after an ambiguous failure',
  'retries a refused connection and reports it retryable',
  'times out a hanging provider',
  'maps a failed async task',
  'returns a persistable operation and resumes in a fresh instance',
  'status on an unknown operation fails',
  'honours an aborted signal',
  'never sends headers it was not told to',
  'downloads results before reporting success',
  'keys never appear in errors or warnings',
] as const;
export type ConformanceCase = (typeof conformanceCases)[number];

export interface ConformanceOptions<Settings> {
  /** Shown in the describe block, e.g. `dashscope`. */
  name: string;
  definition: ProviderDefinition<Settings>;
  /** The model to exercise (one suite run per model an adapter wants covered). */
  modelId: string;
  /** Starts a fresh fake (called before every case). */
  fake(): Promise<ConformanceFake>;
  /** Settings pointing at the fake, with the overrides applied. */
  settings(fake: ConformanceFake, overrides: ConformanceSettingsOverrides): Settings;
  /**
   * Fields every call needs for this model (e.g. a prompt), merged into each call; a function when they depend on
   * the test image (e.g. a mask of its size for an inpainting-only model).
   */
  baseCall?: Partial<GenerationCall> | ((image: ImageInput) => Promise<Partial<GenerationCall>>);
  /** Size of the standard test image (default 640×512: inside every documented limit). */
  imageSize?: { width: number; height: number };
  /** Dependencies override (default: real fetch, silent logger, fake clock with instant sleeps). */
  dependencies?(fake: ConformanceFake): ProviderDependencies;
  skip?: readonly ConformanceSkip[];
}

const errorExpectations: ReadonlyArray<{ failure: ConformanceFailure; code: ErrorCode; retryable: boolean }> = [
  { failure: 'auth', code: 'upstream_auth_failed', retryable: false },
  { failure: 'rate-limit', code: 'upstream_rate_limited', retryable: true },
  { failure: 'invalid-request', code: 'upstream_invalid_request', retryable: false },
  { failure: 'content-rejected', code: 'upstream_content_rejected', retryable: false },
  { failure: 'quota', code: 'upstream_quota_exceeded', retryable: false },
  // A billable submit that met a 5xx may have created a task: never retried by anyone (AOG defect #13).
  { failure: 'server-error', code: 'upstream_unavailable', retryable: false },
  { failure: 'malformed-json', code: 'upstream_bad_response', retryable: false },
];

/** Registers the suite for one adapter and model. */
export function runProviderConformance<Settings>(options: ConformanceOptions<Settings>): void {
  const skipped = new Map<ConformanceCase, string>();
  for (const entry of options.skip ?? []) for (const name of entry.tests) skipped.set(name, entry.reason);
  const capabilities = options.definition.capabilities.models.find((model) => model.id === options.modelId);

  describe(`provider conformance: ${options.name} ${options.modelId}`, () => {
    let fake: ConformanceFake;
    let image: ImageInput;
    let base: Partial<GenerationCall> = {};
    const useImage = async (next: ImageInput) => {
      image = next;
      base = typeof options.baseCall === 'function' ? await options.baseCall(next) : (options.baseCall ?? {});
    };
    beforeEach(async () => {
      fake = await options.fake();
      const size = options.imageSize ?? { width: 640, height: 512 };
      await useImage(await testImage(size.width, size.height));
    });
    afterEach(async () => {
      await fake?.stop();
    });

    const model = (overrides: ConformanceSettingsOverrides = {}): ProviderModel => options.definition.createModel(
      options.modelId, options.settings(fake, overrides), options.dependencies?.(fake) ?? fakeDependencies(fake.clock),
    );
    const call = (overrides: Partial<GenerationCall> = {}): GenerationCall => testCall(image, {
      service: capabilities?.service ?? 'image-to-image', modelId: options.modelId, ...base, ...overrides,
    });
    const declared = (parameter: string) => capabilities?.parameters[parameter] !== undefined;
    const isAsync = () => capabilities?.callModel === 'async';

    /** `appliesWhen`: whether the model has what the case exercises, and why not, so a skip says so. */
    function conformanceTest(name: ConformanceCase, body: () => Promise<void>, appliesWhen?: { applies: boolean; otherwise: string }): void {
      const reason = skipped.get(name);
      if (reason !== undefined) test.skip(`${name} — skipped: ${reason}`, body);
      else if (appliesWhen && !appliesWhen.applies) test.skip(`${name} — skipped: ${options.modelId} ${appliesWhen.otherwise}`, body);
      else test(name, body);
    }

    test('declares the model it is run for', () => {
      expect(capabilities, `${options.modelId} is not in ${options.name}'s capabilities`).toBeDefined();
    });

    conformanceTest('rejects a missing image', async () => {
      const broken = { ...call(), image: undefined } as unknown as GenerationCall;
      const error = await rejectionOf(model().start(broken, testContext()));
      expect(error.code).toBe('parameter_missing');
      expect(error.message).toBe('image request param lost');
      expect(fake.submissionCount()).toBe(0);
    });

    conformanceTest('maps prompt', async () => {
      await model().start(call({ prompt: 'a red hat on the cat' }), testContext());
      expect((await submission(fake)).prompt).toBe('a red hat on the cat');
    }, { applies: declared('prompt'), otherwise: 'takes no prompt' });

    conformanceTest('maps strength', async () => {
      const started = await model().start(call({ strength: 0.6 }), testContext());
      if (declared('strength')) expect((await submission(fake)).strength).toBeCloseTo(0.6, 5);
      else expect(startWarnings(started).map((warning) => warning.feature)).toContain('strength');
    });

    conformanceTest('maps size', async () => {
      const sizeSpec = capabilities?.parameters.size;
      if (sizeSpec === undefined) {
        const started = await model().start(call({ size: { width: 1024, height: 1024 } }), testContext());
        expect(startWarnings(started).map((warning) => warning.feature)).toContain('size');
        return;
      }
      const [width, height] = (sizeSpec.values?.[0] ?? '1024x1024').split('x').map(Number);
      await model().start(call({ size: { width, height } }), testContext());
      expect((await submission(fake)).size).toEqual({ width, height });
    });

    conformanceTest('maps n', async () => {
      const maximum = capabilities?.maxOutputsPerCall ?? 1;
      if (maximum < 2) {
        const error = await rejectionOf(model().start(call({ n: 2 }), testContext()));
        expect(error.code).toBe('parameter_invalid');
        expect(fake.submissionCount()).toBe(0);
        return;
      }
      await model().start(call({ n: 2 }), testContext());
      expect((await submission(fake)).n).toBe(2);
    });

    conformanceTest('maps seed', async () => {
      const started = await model().start(call({ seed: 4242 }), testContext());
      if (declared('seed')) expect((await submission(fake)).seed).toBe(4242);
      else expect(startWarnings(started).map((warning) => warning.feature)).toContain('seed');
    });

    conformanceTest('maps or warns on mask', async () => {
      const mask = await testMask(image.width, image.height);
      const started = await model().start(call({ mask, prompt: base.prompt ?? 'replace the middle' }), testContext());
      if (capabilities?.maskConvention === 'none' || capabilities === undefined) {
        expect(startWarnings(started).map((warning) => warning.feature)).toContain('mask');
        return;
      }
      const sent = (await submission(fake)).mask;
      expect(sent, 'the mask was not sent').toBeDefined();
      expect(sent?.convention).toBe(capabilities.maskConvention);
      // The test mask marks the centre for editing and the corners to keep.
      const { center, corner } = await maskSamples(sent!.bytes, sent!.convention);
      expect(center).toBe('edit');
      expect(corner).toBe('keep');
    });

    conformanceTest('sends the image bytes unchanged when within limits', async () => {
      const started = await model().start(call(), testContext());
      const sent = (await submission(fake)).image;
      expect(sent, 'no image reached the provider').toBeDefined();
      const substituted = startWarnings(started).some((warning) => warning.type === 'substituted' && warning.feature === 'image');
      if (!substituted) expect(Buffer.compare(sent!, image.bytes)).toBe(0);
      const metadata = await sharp(sent!).metadata();
      expect(metadata.width! / metadata.height!).toBeCloseTo(image.width / image.height, 1);
    });

    conformanceTest('adapts an out-of-limit image with a warning', async () => {
      const minimumSide = capabilities!.input.minSide!;
      await useImage(await testImage(Math.max(8, Math.floor(minimumSide / 2)), Math.max(8, Math.floor(minimumSide / 2))));
      const started = await model().start(call(), testContext());
      const warnings = startWarnings(started).filter((warning) => warning.type === 'substituted' && warning.feature === 'image');
      expect(warnings).toHaveLength(1);
      const metadata = await sharp((await submission(fake)).image!).metadata();
      expect(Math.min(metadata.width!, metadata.height!)).toBeGreaterThanOrEqual(minimumSide);
    }, { applies: capabilities?.input.minSide !== undefined && capabilities.input.minSide > 16, otherwise: 'declares no minimum input side above 16 px, so no test image is out of its limits' });

    conformanceTest('maps provider errors with the right retryable', async () => {
      for (const expectation of errorExpectations) {
        fake.failNextSubmit(expectation.failure);
        // rate-limit: the adapter retries; the fake fails every try of this run.
        if (expectation.failure === 'rate-limit') for (let extra = 0; extra < 10; extra += 1) fake.failNextSubmit('rate-limit');
        const error = await rejectionOf(model().start(call(), testContext()));
        expect({ failure: expectation.failure, code: error.code, retryable: error.retryable })
          .toEqual({ failure: expectation.failure, code: expectation.code, retryable: expectation.retryable });
        await drainScriptedFailures(fake, model, call);
      }
    });

    conformanceTest('does not resubmit after an ambiguous failure', async () => {
      fake.failNextSubmit('server-error');
      await rejectionOf(model().start(call(), testContext()));
      expect(fake.submissionCount()).toBe(1);
    });

    conformanceTest('retries a refused connection and reports it retryable', async () => {
      const error = await rejectionOf(model({ baseUrl: await refusedOrigin() }).start(call(), testContext()));
      expect(error.code).toBe('upstream_unavailable');
      expect(error.retryable).toBe(true);
    });

    conformanceTest('times out a hanging provider', async () => {
      fake.failNextSubmit('hang');
      const error = await rejectionOf(model({ timeoutMs: 300 }).start(call(), testContext()));
      expect(error.code).toBe('upstream_timeout');
      expect(fake.submissionCount()).toBe(1);
    });

    conformanceTest('maps a failed async task', async () => {
      fake.failNextTask!('content-rejected');
      const failed = await runToEnd(model(), call());
      expect(failed.status).toBe('failed');
      if (failed.status === 'failed') {
        expect(failed.error.code).toBe('upstream_content_rejected');
        expect(failed.error.retryable).toBe(false);
      }
      fake.failNextTask!('failed');
      const generic = await runToEnd(model(), call());
      expect(generic.status).toBe('failed');
    }, { applies: isAsync(), otherwise: 'is synchronous: no task to poll' });

    conformanceTest('returns a persistable operation and resumes in a fresh instance', async () => {
      const started = await model().start(call(), testContext());
      expect(started.status).toBe('pending');
      if (started.status !== 'pending') return;
      const persisted = JSON.parse(JSON.stringify(started.operation)) as JsonValue;
      expect(persisted).toEqual(started.operation);
      for (const secret of fake.secrets) expect(JSON.stringify(persisted)).not.toContain(secret);
      const resumed = model();
      let outcome = await resumed.status!(persisted, testContext());
      for (let poll = 0; poll < 20 && outcome.status === 'pending'; poll += 1) outcome = await model().status!(persisted, testContext());
      expect(outcome.status).toBe('completed');
      if (outcome.status === 'completed') await expectMediaOutputs(outcome.result, capabilities);
      expect(fake.submissionCount()).toBe(1);
    }, { applies: isAsync(), otherwise: 'is synchronous: no task to poll' });

    conformanceTest('status on an unknown operation fails', async () => {
      const started = await model().start(call(), testContext());
      if (started.status !== 'pending') throw new Error('expected a pending start');
      fake.forgetTasks!();
      const outcome = await model().status!(started.operation, testContext());
      expect(outcome.status).toBe('failed');
      if (outcome.status === 'failed') expect(outcome.error.code).toBe('upstream_task_lost');
    }, { applies: isAsync(), otherwise: 'is synchronous: no task to poll' });

    conformanceTest('honours an aborted signal', async () => {
      const controller = new AbortController();
      controller.abort(new Error('client went away'));
      await expect(model().start(call(), testContext(controller.signal))).rejects.toThrow('client went away');
      expect(fake.submissionCount()).toBe(0);

      fake.failNextSubmit('hang');
      const inFlight = new AbortController();
      const pending = model({ timeoutMs: 30_000 }).start(call(), testContext(inFlight.signal));
      setTimeout(() => inFlight.abort(new Error('cancelled mid-call')), 100);
      await expect(pending).rejects.toThrow('cancelled mid-call');
    });

    conformanceTest('never sends headers it was not told to', async () => {
      await runToEnd(model(), call({ prompt: base.prompt ?? 'header probe' }));
      const transportHeaders = ['host', 'connection', 'content-length', 'content-type', 'accept', 'accept-encoding', 'accept-language', 'user-agent', 'sec-fetch-mode', 'transfer-encoding'];
      const allowed = new Set([...transportHeaders, ...fake.allowedHeaders]);
      const sent = new Set(fake.requestHeaders().flatMap((headers) => Object.keys(headers)));
      expect([...sent].filter((name) => !allowed.has(name))).toEqual([]);
    });

    conformanceTest('downloads results before reporting success', async () => {
      const outcome = await runToEnd(model(), call());
      expect(outcome.status).toBe('completed');
      if (outcome.status !== 'completed') return;
      expect(fake.resultDownloadCount()).toBeGreaterThanOrEqual(outcome.result.outputs.length);
      await fake.stop();
      await expectMediaOutputs(outcome.result, capabilities);
      fake = await options.fake();
    });

    conformanceTest('keys never appear in errors or warnings', async () => {
      const texts: string[] = [];
      for (const failure of ['auth', 'invalid-request', 'content-rejected', 'quota'] as const) {
        fake.failNextSubmit(failure, { echoSecret: true });
        const error = await rejectionOf(model().start(call(), testContext()));
        texts.push(error.message, JSON.stringify(error.toJSON()));
      }
      const outcome = await runToEnd(model(), call({ size: { width: 777, height: 333 }, strength: 0.5, seed: 1, mask: await testMask(image.width, image.height) }));
      texts.push(JSON.stringify(outcome.status === 'completed' ? outcome.result.warnings : outcome));
      for (const secret of fake.secrets) for (const text of texts) expect(text).not.toContain(secret);
    });
  });
}

async function submission(fake: ConformanceFake): Promise<SubmissionView> {
  const view = await fake.lastSubmission();
  if (view === undefined) throw new Error('the adapter submitted nothing');
  return view;
}

function startWarnings(started: StartResult): Warning[] {
  return started.status === 'pending' ? (started.warnings ?? []) : started.result.warnings;
}

type Outcome = { status: 'completed'; result: GenerationResult } | { status: 'failed'; error: GatewayError };

/** Runs a call to its end, polling async adapters through `status`; a thrown GatewayError counts as failed. */
async function runToEnd(model: ProviderModel, call: GenerationCall): Promise<Outcome> {
  try {
    const started = await model.start(call, testContext());
    if (started.status === 'completed') return started;
    for (let poll = 0; poll < 30; poll += 1) {
      const outcome = await model.status!(started.operation, testContext());
      if (outcome.status !== 'pending') return outcome;
    }
    throw new Error('the task never finished on the fake');
  } catch (error) {
    if (GatewayError.isInstance(error)) return { status: 'failed', error };
    throw error;
  }
}

/** Consumes failures a case scripted but the adapter did not use (e.g. fewer retries than scripted). */
async function drainScriptedFailures(fake: ConformanceFake, model: () => ProviderModel, call: () => GenerationCall): Promise<void> {
  for (let attempt = 0; attempt < 12; attempt += 1) {
    const outcome = await runToEnd(model(), call());
    if (outcome.status === 'completed') return;
  }
  throw new Error(`scripted failures never drained on ${fake.submissionCount()} submissions`);
}

async function expectMediaOutputs(result: GenerationResult, capabilities: ModelCapabilities | undefined): Promise<void> {
  expect(result.outputs.length).toBeGreaterThan(0);
  for (const output of result.outputs) {
    expect(Buffer.isBuffer(output.bytes)).toBe(true);
    if (capabilities?.service === 'image-to-video') {
      expect(output.mediaType.startsWith('video/')).toBe(true);
    } else {
      expect(output.mediaType.startsWith('image/')).toBe(true);
      const metadata = await sharp(output.bytes).metadata();
      expect(metadata.width).toBeGreaterThan(0);
    }
  }
}

/** Reads the centre and a corner of a mask under its convention. */
async function maskSamples(bytes: Buffer, convention: 'white' | 'alpha'): Promise<{ center: 'edit' | 'keep'; corner: 'edit' | 'keep' }> {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const sample = (x: number, y: number): 'edit' | 'keep' => {
    const offset = (y * info.width + x) * info.channels;
    if (convention === 'alpha') return data[offset + 3] < 128 ? 'edit' : 'keep';
    return data[offset] >= 128 ? 'edit' : 'keep';
  };
  return { center: sample(Math.floor(info.width / 2), Math.floor(info.height / 2)), corner: sample(1, 1) };
}
