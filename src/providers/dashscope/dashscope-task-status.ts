import { GatewayError } from '../../errors/gateway-error.ts';
import { truncateProviderCode, truncateProviderMessage } from '../shared/http-status-verdict.ts';
import { UpstreamFailure } from '../shared/upstream-failure.ts';
import type { GenerationOutput } from '../spec/generation-call.ts';
import type { StatusResult, Usage } from '../spec/provider-model.ts';
import type { Warning } from '../spec/warning.ts';
import { dashscopeErrorVerdict, dashscopeProviderName } from './dashscope-error.ts';
import type { DashScopeOperation } from './dashscope-operation.ts';
import type { DashScopeTaskAnswer } from './dashscope-task-client.ts';

/** Fetches one result URL (injected: the model passes `downloadResult` with its limits). */
export type ResultDownloader = (url: string, expect: 'image' | 'video') => Promise<GenerationOutput>;

const provider = dashscopeProviderName;

/**
 * Turns a task answer into the contract's status: PENDING/RUNNING → pending (with progress); SUCCEEDED → results
 * downloaded at once (their URLs expire in 24 h), partial failures as warnings; FAILED → the mapped error;
 * CANCELED/UNKNOWN → `upstream_task_lost`. Every terminal state is terminal (AOG polled CANCELED until its cap).
 */
export async function interpretTaskAnswer(
  answer: DashScopeTaskAnswer,
  operation: DashScopeOperation,
  options: { download: ResultDownloader; secrets: readonly string[] },
): Promise<StatusResult> {
  const { output, usage } = answer;
  switch (output.task_status) {
    case 'PENDING':
      return { status: 'pending', progress: 0 };
    case 'RUNNING':
      return { status: 'pending', progress: runningProgress(output.task_metrics) };
    case 'SUCCEEDED':
      return operation.family === 'image-to-video'
        ? videoSucceeded(output.video_url, usage, operation, options.download)
        : imagesSucceeded(output.results, usage, operation, options);
    case 'FAILED': {
      const verdict = dashscopeErrorVerdict({ code: output.code, message: output.message }, { where: 'task', secrets: options.secrets });
      return { status: 'failed', error: new GatewayError(verdict.code, verdict.parameters, { retryable: verdict.retryable }) };
    }
    case 'CANCELED':
    case 'UNKNOWN':
      return {
        status: 'failed',
        error: new GatewayError('upstream_task_lost', { provider, providerTaskId: operation.taskId, providerStatus: output.task_status }),
      };
    default:
      // Provider text like any other: scrubbed (an upstream may echo the key anywhere) and shortened.
      throw new GatewayError('upstream_bad_response', { provider, reason: `unknown task_status ${JSON.stringify(truncateProviderCode(String(output.task_status), options.secrets))}` },
        { cause: new UpstreamFailure('malformed') });
  }
}

/** RUNNING carries no percentage; image tasks may report finished sub-images in `task_metrics`. */
function runningProgress(metrics: unknown): number {
  if (typeof metrics === 'object' && metrics !== null) {
    const { TOTAL: total, SUCCEEDED: succeeded, FAILED: failed } = metrics as Record<string, unknown>;
    if (typeof total === 'number' && total > 0 && typeof succeeded === 'number') {
      const done = succeeded + (typeof failed === 'number' ? failed : 0);
      return Math.min(95, Math.max(10, Math.round((done / total) * 100)));
    }
  }
  return 50;
}

async function imagesSucceeded(
  results: unknown,
  usage: Record<string, unknown>,
  operation: DashScopeOperation,
  options: { download: ResultDownloader; secrets: readonly string[] },
): Promise<StatusResult> {
  if (!Array.isArray(results)) throw new GatewayError('upstream_bad_response', { provider, reason: 'a SUCCEEDED image task has no results' }, { cause: new UpstreamFailure('malformed') });
  const urls: string[] = [];
  const warnings: Warning[] = [];
  let firstFailure: { code: unknown; message: unknown } | undefined;
  for (const item of results as unknown[]) {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof entry.url === 'string' && entry.url.length > 0) {
      urls.push(entry.url);
    } else {
      firstFailure ??= { code: entry.code, message: entry.message };
      warnings.push({
        type: 'other', feature: 'n',
        details: `DashScope failed one of the ${operation.expectedOutputs} images (${truncateProviderCode(entry.code, options.secrets) || 'no code'}: ${truncateProviderMessage(entry.message, options.secrets) || 'no message'}); the others are returned.`,
      });
    }
  }
  if (urls.length === 0) {
    const verdict = dashscopeErrorVerdict(firstFailure ?? { code: 'NoResults', message: 'the task succeeded without any image' }, { where: 'task', secrets: options.secrets });
    return { status: 'failed', error: new GatewayError(verdict.code, verdict.parameters, { retryable: verdict.retryable }) };
  }
  if (urls.length < operation.expectedOutputs && warnings.length === 0) {
    warnings.push({ type: 'other', feature: 'n', details: `DashScope returned ${urls.length} of the ${operation.expectedOutputs} images asked for.` });
  }
  const outputs: GenerationOutput[] = [];
  // Sequential on purpose: results are ≤ 4 images and this keeps peak memory at one download in flight.
  for (const url of urls) outputs.push(await options.download(url, 'image'));
  const billed = numberField(usage, 'image_count');
  const result: Usage = { images: billed ?? outputs.length };
  return { status: 'completed', result: { outputs, warnings, usage: result } };
}

async function videoSucceeded(videoUrl: unknown, usage: Record<string, unknown>, operation: DashScopeOperation, download: ResultDownloader): Promise<StatusResult> {
  if (typeof videoUrl !== 'string' || videoUrl.length === 0) {
    throw new GatewayError('upstream_bad_response', { provider, reason: 'a SUCCEEDED video task has no video_url' }, { cause: new UpstreamFailure('malformed') });
  }
  const output = await download(videoUrl, 'video');
  // wan2.2/2.5 report `duration`, wan2.1 `video_duration`, wan2.6 `output_video_duration` (spec §5.2).
  const seconds = numberField(usage, 'duration') ?? numberField(usage, 'video_duration') ?? numberField(usage, 'output_video_duration') ?? operation.requestedDurationSeconds;
  return { status: 'completed', result: { outputs: [output], warnings: [], usage: seconds === undefined ? {} : { videoSeconds: seconds } } };
}

function numberField(record: Record<string, unknown>, name: string): number | undefined {
  const value = record[name];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
