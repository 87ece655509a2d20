import { runProviderConformance, type ConformanceFailure, type ConformanceFake } from '../../../test/conformance/provider.case.test.ts';
import { jsonAnswer } from '../../../test/fakes/fake-server-kit.ts';
import { startOpenAiFake } from '../../../test/fakes/openai-fake-server.ts';
import { openAiProvider, type OpenAiSettings } from './index.ts';

/** The OpenAI fake seen through the suite's eyes: failures in OpenAI's shapes, multipart submissions in unified terms. */
async function startOpenAiConformanceFake(): Promise<ConformanceFake> {
  const fake = await startOpenAiFake();
  const failWith = (failure: ConformanceFailure, echo: string) => {
    const answer = (status: number, message: string, type: string, code: string | null) =>
      fake.failNext({ kind: 'answer', answer: jsonAnswer(status, { error: { message: `${message}${echo}`, type, param: null, code } }) });
    switch (failure) {
      case 'auth': return answer(401, 'Incorrect API key provided', 'invalid_request_error', 'invalid_api_key');
      case 'rate-limit': return fake.throttleNext(1, 1);
      case 'invalid-request': return answer(400, 'Invalid value for quality', 'invalid_request_error', 'invalid_value');
      case 'content-rejected': return answer(400, 'Your request was rejected by the safety system.', 'image_generation_user_error', 'moderation_blocked');
      case 'quota': return answer(429, 'You exceeded your current quota', 'insufficient_quota', 'insufficient_quota');
      case 'server-error': return fake.failNext({ kind: 'answer-after-handling', answer: { status: 500, body: { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } } } });
      case 'hang': return fake.failNext({ kind: 'hang' });
      case 'malformed-json': return fake.failNext({ kind: 'malformed-json' });
    }
  };
  return {
    baseUrl: fake.baseUrl,
    secrets: [fake.apiKey ?? ''],
    allowedHeaders: ['authorization'],
    clock: fake.clock,
    async lastSubmission() {
      const request = fake.editRequests().at(-1);
      if (request === undefined) return undefined;
      const parts = await fake.parts(request);
      const text = (name: string) => parts.find((part) => part.name === name)?.value;
      const size = text('size')?.split('x').map(Number);
      const mask = parts.find((part) => part.name === 'mask')?.bytes;
      return {
        prompt: text('prompt'),
        n: text('n') === undefined ? undefined : Number(text('n')),
        size: size && size.length === 2 ? { width: size[0], height: size[1] } : undefined,
        image: parts.find((part) => part.name === 'image' || part.name === 'image[]')?.bytes,
        mask: mask === undefined ? undefined : { bytes: mask, convention: 'alpha' as const },
      };
    },
    submissionCount: () => fake.editRequests().length,
    requestHeaders: () => fake.server.requests.map((request) => request.headers),
    resultDownloadCount: () => fake.server.requests.filter((request) => request.path.startsWith('/files/')).length,
    failNextSubmit: (failure, options = {}) => failWith(failure, options.echoSecret ? ` (key ${fake.apiKey})` : ''),
    stop: () => fake.stop(),
  };
}

const settings = (fake: ConformanceFake, overrides: { baseUrl?: string; timeoutMs?: number }): OpenAiSettings => ({
  apiKey: fake.secrets[0],
  baseUrl: overrides.baseUrl === undefined ? fake.baseUrl : `${overrides.baseUrl}/v1`,
  requestTimeoutMs: overrides.timeoutMs ?? 10_000,
  downloadTimeoutMs: 10_000,
  throttleAttempts: 4,
  throttleBaseDelayMs: 1_000,
  maxResponseBytes: 50 * 1024 * 1024,
});
const common = { name: 'openai', definition: openAiProvider, fake: startOpenAiConformanceFake, settings };

runProviderConformance({
  ...common,
  modelId: 'gpt-image-1.5',
  baseCall: { prompt: 'put a red hat on the cat' },
  skip: [{ reason: 'GPT image models always return base64: nothing to download (dall-e-2 below covers URL results)', tests: ['downloads results before reporting success'] }],
});
// dall-e-2 takes square PNGs only, and returns URLs when asked: exercises the download path.
runProviderConformance({
  ...common,
  modelId: 'dall-e-2',
  imageSize: { width: 512, height: 512 },
  baseCall: { prompt: 'a cat wearing a red hat', providerOptions: { response_format: 'url' } },
});
