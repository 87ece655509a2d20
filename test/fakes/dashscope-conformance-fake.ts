import type { ConformanceFailure, ConformanceFake, ConformanceTaskFailure, SubmissionView } from '../conformance/provider.case.test.ts';
import { startDashScopeFake, type DashScopeFake } from './dashscope-fake-server.ts';
import type { ScriptedBehaviour } from './fake-server-kit.ts';

/**
 * The DashScope fake seen through the conformance suite's eyes: failures in DashScope's wire shapes, and the last
 * submission translated back into unified terms.
 */
export async function startDashScopeConformanceFake(): Promise<ConformanceFake & { dashscope: DashScopeFake }> {
  // The suite runs many calls whose tasks it never finishes; the per-model concurrency limit has its own tests.
  const fake = await startDashScopeFake({ enforceConcurrency: false });
  const errorBody = (code: string, message: string) => ({ code, message, request_id: 'conformance' });
  const failures = (echo: string): Record<ConformanceFailure, ScriptedBehaviour> => ({
    auth: { kind: 'answer', answer: { status: 401, body: errorBody('InvalidApiKey', `Invalid API-key provided.${echo}`) } },
    'rate-limit': { kind: 'answer', answer: { status: 429, body: errorBody('Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.'), headers: { 'retry-after': '1' } } },
    'server-error': { kind: 'answer-after-handling', answer: { status: 500, body: errorBody('InternalError', 'An internal error has occured, please try again later.') } },
    'invalid-request': { kind: 'answer', answer: { status: 400, body: errorBody('InvalidParameter', `Required parameter(s) missing or invalid.${echo}`) } },
    'content-rejected': { kind: 'answer', answer: { status: 400, body: errorBody('DataInspectionFailed', `Input or output data may contain inappropriate content.${echo}`) } },
    quota: { kind: 'answer', answer: { status: 400, body: errorBody('Arrearage', `Access denied, plesase make sure your account is in good standing.${echo}`) } },
    hang: { kind: 'hang' },
    'malformed-json': { kind: 'malformed-json' },
  });

  return {
    dashscope: fake,
    baseUrl: fake.baseUrl,
    secrets: [fake.apiKey],
    allowedHeaders: ['authorization', 'x-dashscope-async', 'x-dashscope-ossresourceresolve'],
    clock: fake.clock,
    async lastSubmission(): Promise<SubmissionView | undefined> {
      const accepted = fake.submissions().filter((request) => request.json !== undefined);
      const body = accepted.at(-1)?.json as { input?: Record<string, unknown>; parameters?: Record<string, unknown> } | undefined;
      if (body === undefined) return undefined;
      const input = body.input ?? {};
      const parameters = body.parameters ?? {};
      const imageUrl = input.base_image_url ?? input.img_url ?? input.image_url;
      const size = typeof parameters.size === 'string' ? parameters.size.split('*').map(Number) : undefined;
      return {
        prompt: typeof input.prompt === 'string' ? input.prompt : undefined,
        strength: typeof parameters.strength === 'number' ? parameters.strength : undefined,
        n: typeof parameters.n === 'number' ? parameters.n : undefined,
        seed: typeof parameters.seed === 'number' ? parameters.seed : undefined,
        size: size ? { width: size[0], height: size[1] } : undefined,
        image: decodeInput(imageUrl, fake),
        mask: typeof input.mask_image_url === 'string' ? { bytes: decodeInput(input.mask_image_url, fake)!, convention: 'white' } : undefined,
      };
    },
    submissionCount: () => fake.submissions().length,
    requestHeaders: () => fake.server.requests.map((request) => request.headers),
    resultDownloadCount: () => fake.resultDownloads().length,
    failNextSubmit(failure, options = {}) {
      fake.failNext('submit', failures(options.echoSecret ? ` (key ${fake.apiKey})` : '')[failure]);
    },
    failNextTask(failure: ConformanceTaskFailure) {
      fake.scriptNextTask(failure === 'content-rejected'
        ? { outcome: { kind: 'failed', code: 'DataInspectionFailed', message: 'Output data may contain inappropriate content.' } }
        : { outcome: { kind: 'failed', code: 'InternalError.Algo', message: 'Algorithm process error.' } });
    },
    forgetTasks() {
      fake.clock.advance(25 * 60 * 60 * 1000);
    },
    stop: () => fake.stop(),
  };
}

function decodeInput(value: unknown, fake: DashScopeFake): Buffer | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.startsWith('oss://')) return fake.uploadedFile(value);
  const match = /^data:[^;]+;base64,(.*)$/.exec(value);
  return match ? Buffer.from(match[1], 'base64') : undefined;
}
