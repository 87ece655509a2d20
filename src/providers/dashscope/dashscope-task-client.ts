import { GatewayError } from '../../errors/gateway-error.ts';
import { retryWithBackoff } from '../shared/backoff.ts';
import { isRecord } from '../shared/is-record.ts';
import { malformedAnswer } from '../shared/malformed-answer.ts';
import { RateLimiter, sharedRateLimiter } from '../shared/rate-limiter.ts';
import { requestJson } from '../shared/request-json.ts';
import { canResubmitSafely, canRetryReadOnly } from '../shared/submit-retry-policy.ts';
import { UpstreamFailure } from '../shared/upstream-failure.ts';
import { notRetryable } from '../shared/ambiguous-failure.ts';
import type { ProviderDependencies } from '../spec/provider-definition.ts';
import { dashscopeProviderName, mapDashScopeAnswer } from './dashscope-error.ts';
import type { DashScopeSettings } from './dashscope-settings.ts';

/** `output` of a task answer, read leniently: only the fields Atelier uses, all optional (spec §5). */
export interface DashScopeTaskOutput {
  task_id?: unknown;
  task_status?: unknown;
  code?: unknown;
  message?: unknown;
  results?: unknown;
  video_url?: unknown;
  task_metrics?: unknown;
}

/** A task answer: `output` plus the billing `usage`. */
export interface DashScopeTaskAnswer {
  output: DashScopeTaskOutput;
  usage: Record<string, unknown>;
}

/**
 * DashScope's async task protocol (spec §3): submit with `X-DashScope-Async: enable`, query `/tasks/{id}`, cancel
 * `/tasks/{id}/cancel`. Headers are built here from scratch — nothing a client sent is forwarded. Submissions go
 * through a per-account, per-model limiter (2 per second documented) and are resent only when DashScope cannot
 * have created a task (connection refused, 429); queries share one per-account budget (20 per second). Both
 * limiters space calls evenly (burst 1), so no one-second window ever holds more than the documented rate.
 */
export class DashScopeTaskClient {
  private readonly now: () => number;
  private readonly queryLimiter: RateLimiter;

  constructor(private readonly settings: DashScopeSettings, private readonly dependencies: ProviderDependencies) {
    this.now = () => dependencies.now().getTime();
    const rate = settings.taskQueriesPerSecond;
    this.queryLimiter = sharedRateLimiter('dashscope-task-query', `${settings.baseUrl} ${settings.apiKey}`, () => new RateLimiter(rate, 1, this.now));
  }

  /**
   * Submits a task and returns its id. `ossResourceResolve` adds `X-DashScope-OssResourceResolve: enable`, required
   * when the body references `oss://` temporary uploads. `inputsStored` holds the body's last bytes (see
   * `CallContext.inputsStored`).
   *
   * @throws GatewayError mapped from DashScope's answer; a failure that may hide a created (billed) task — timeout,
   * reset, 5xx — is marked not retryable so no layer above resubmits it blindly.
   */
  async submit(path: string, body: unknown, options: { modelId: string; submitsPerSecond: number; ossResourceResolve: boolean; signal: AbortSignal; inputsStored?: Promise<void> }): Promise<string> {
    const limiter = sharedRateLimiter(`dashscope-submit:${options.modelId}`, `${this.settings.baseUrl} ${this.settings.apiKey}`,
      () => new RateLimiter(options.submitsPerSecond, 1, this.now));
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${this.settings.apiKey}`,
      'X-DashScope-Async': 'enable',
    };
    if (options.ossResourceResolve) headers['X-DashScope-OssResourceResolve'] = 'enable';
    try {
      const answer = await retryWithBackoff(async () => {
        await limiter.acquire(this.dependencies.sleep, options.signal);
        return requestJson({
          ...this.common(options.signal), url: `${this.settings.baseUrl}${path}`, method: 'POST', headers, body, holdLastBytesUntil: options.inputsStored,
        });
      }, {
        attempts: this.settings.submitAttempts, shouldRetry: canResubmitSafely, sleep: this.dependencies.sleep, signal: options.signal,
        onRetry: (error, attempt, delayMs) => this.dependencies.logger.info('DashScope submit retried', { model: options.modelId, attempt, delayMs, code: codeOf(error) }),
      });
      const output = outputOf(answer.body);
      if (typeof output.task_id !== 'string' || !/^[\w-]{1,128}$/.test(output.task_id)) {
        throw badResponse('the submit answer has no usable output.task_id');
      }
      return output.task_id;
    } catch (error) {
      throw neverBlindResubmit(error);
    }
  }

  /** Queries a task under the shared per-account budget; retries transient failures (it is read-only). */
  async query(taskId: string, signal: AbortSignal): Promise<DashScopeTaskAnswer> {
    const answer = await retryWithBackoff(async () => {
      await this.queryLimiter.acquire(this.dependencies.sleep, signal);
      return requestJson({
        ...this.common(signal), url: `${this.settings.baseUrl}/tasks/${encodeURIComponent(taskId)}`, method: 'GET',
        headers: { Authorization: `Bearer ${this.settings.apiKey}` },
      });
    }, { attempts: 3, shouldRetry: canRetryReadOnly, sleep: this.dependencies.sleep, signal });
    const body = answer.body as { output?: unknown; usage?: unknown };
    return { output: outputOf(body), usage: isRecord(body.usage) ? body.usage : {} };
  }

  /**
   * Asks DashScope to cancel a task; only a queued (PENDING) task can be cancelled (spec §3.3).
   * @throws GatewayError `upstream_invalid_request` (UnsupportedOperation) when the task is already running or done.
   */
  async cancel(taskId: string, signal: AbortSignal): Promise<void> {
    await this.queryLimiter.acquire(this.dependencies.sleep, signal);
    try {
      await requestJson({
        ...this.common(signal), url: `${this.settings.baseUrl}/tasks/${encodeURIComponent(taskId)}/cancel`, method: 'POST',
        headers: { Authorization: `Bearer ${this.settings.apiKey}` },
      });
    } catch (error) {
      // The answer's body is not documented (spec §3.3): any 2xx means the cancel was taken, JSON or not.
      if (!acceptedWithoutJson(error)) throw error;
    }
  }

  private common(signal: AbortSignal) {
    return {
      provider: dashscopeProviderName,
      fetch: this.dependencies.fetch,
      timeoutMs: this.settings.requestTimeoutMs,
      signal,
      mapError: mapDashScopeAnswer([this.settings.apiKey]),
      now: this.dependencies.now,
      logger: this.dependencies.logger,
    };
  }
}

/** A 2xx answer that `requestJson` refused only because its body was not JSON. */
function acceptedWithoutJson(error: unknown): boolean {
  if (!GatewayError.isInstance(error) || !UpstreamFailure.isInstance(error.cause)) return false;
  const status = error.cause.details.httpStatus;
  return error.cause.kind === 'malformed' && status !== undefined && status >= 200 && status < 300;
}

function outputOf(body: unknown): DashScopeTaskOutput {
  if (!isRecord(body) || !isRecord(body.output)) throw badResponse('the answer has no output object');
  return body.output;
}

function badResponse(reason: string): GatewayError {
  return malformedAnswer(dashscopeProviderName, reason);
}

function codeOf(error: unknown): string | undefined {
  return GatewayError.isInstance(error) ? error.code : undefined;
}

/**
 * A submit that failed in a way that may hide a created task (timeout, reset, 5xx, an unreadable 2xx) must not be
 * retried by the scheduler either: billing starts when the task is created (spec §4.4).
 */
function neverBlindResubmit(error: unknown): unknown {
  if (!GatewayError.isInstance(error) || !error.retryable || canResubmitSafely(error)) return error;
  return notRetryable(error);
}
