import { runProviderConformance, type ConformanceFailure, type ConformanceFake } from '../../../test/conformance/provider.case.test.ts';
import { exampleTencentCredentials, startTencentFake } from '../../../test/fakes/tencent-fake-server.ts';
import { tencentProvider, type TencentSettings } from './index.ts';

/** The Tencent fake seen through the suite's eyes: failures in Tencent's shapes, submissions in unified terms. */
async function startTencentConformanceFake(): Promise<ConformanceFake> {
  const fake = await startTencentFake();
  const { secretId, secretKey } = exampleTencentCredentials;
  const failWith = (failure: ConformanceFailure, echo: string) => {
    const apiError = (code: string, message: string) => fake.failNextWith({ code, message: `${message}${echo}` });
    switch (failure) {
      case 'auth': return apiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.');
      case 'rate-limit': return apiError('RequestLimitExceeded', 'Your current request times equals to the limit.');
      case 'invalid-request': return apiError('InvalidParameterValue.ParameterValueError', 'The parameter value is invalid.');
      case 'content-rejected': return apiError('OperationDenied.ImageIllegalDetected', 'The image failed moderation.');
      case 'quota': return apiError('ResourceUnavailable.LowBalance', 'Insufficient balance.');
      // The job ran, then the answer was lost behind a gateway: ambiguous, so nobody may resend it.
      case 'server-error': return fake.failNext({ kind: 'answer-after-handling', answer: { status: 500, body: 'Internal Server Error' } });
      case 'hang': return fake.failNext({ kind: 'hang' });
      case 'malformed-json': return fake.failNext({ kind: 'malformed-json' });
    }
  };
  return {
    baseUrl: fake.url,
    secrets: [secretKey, secretId],
    allowedHeaders: ['authorization', 'x-tc-action', 'x-tc-version', 'x-tc-timestamp', 'x-tc-region'],
    clock: fake.clock,
    async lastSubmission() {
      const body = fake.apiRequests().at(-1)?.json as Record<string, unknown> | undefined;
      if (body === undefined) return undefined;
      const resolution = (body.ResultConfig as { Resolution?: string } | undefined)?.Resolution?.split(':').map(Number);
      return {
        prompt: typeof body.Prompt === 'string' ? body.Prompt : undefined,
        strength: typeof body.Strength === 'number' ? body.Strength : undefined,
        size: resolution && resolution.length === 2 ? { width: resolution[0], height: resolution[1] } : undefined,
        image: typeof body.InputImage === 'string' ? Buffer.from(body.InputImage, 'base64') : undefined,
      };
    },
    submissionCount: () => fake.apiRequests().length,
    requestHeaders: () => fake.server.requests.map((request) => request.headers),
    resultDownloadCount: () => fake.resultDownloads().length,
    failNextSubmit: (failure, options = {}) => failWith(failure, options.echoSecret ? ` (SecretKey ${secretKey}, SecretId ${secretId})` : ''),
    stop: () => fake.stop(),
  };
}

const settings = (fake: ConformanceFake, overrides: { baseUrl?: string; timeoutMs?: number }): TencentSettings => ({
  secretId: exampleTencentCredentials.secretId,
  secretKey: exampleTencentCredentials.secretKey,
  region: 'ap-guangzhou',
  endpoint: overrides.baseUrl ?? fake.baseUrl,
  requestTimeoutMs: overrides.timeoutMs ?? 10_000,
  downloadTimeoutMs: 10_000,
  concurrency: 3,
  throttleAttempts: 5,
  throttleBaseDelayMs: 1_000,
  maxResponseBytes: 40 * 1024 * 1024,
});

runProviderConformance({
  name: 'tencent',
  definition: tencentProvider,
  modelId: 'aiart-image-to-image',
  fake: startTencentConformanceFake,
  settings,
  baseCall: { prompt: '清新的水彩风格' },
  skip: [
    { reason: 'Tencent makes one image per request: n > 1 becomes n requests, 3 at a time per account (tencent-image-edit-model.test.ts)', tests: ['maps n'] },
    { reason: 'Tencent returns the image inline as base64 by default: nothing to download (RspImgType url results are downloaded at once, tencent-image-edit-model.test.ts)', tests: ['downloads results before reporting success'] },
  ],
});
