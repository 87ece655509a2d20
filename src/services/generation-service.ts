import { randomUUID } from 'node:crypto';
import type { GenerationRequest } from './generation-request.ts';
import type { JobOutcome } from './run-job.ts';
import { buildGenerationCall, pollUntilDone, storeResult } from './run-job.ts';
import { prepareJob, type PrepareContext } from './prepare-job.ts';

/** Runs generation requests for the routes and the CLI; the durable implementation lives in `src/tasks/`. */
export interface GenerationService {
  /** Runs a request to completion (sync AOG routes, CLI); resolves with the task id and the outcome. */
  run(request: GenerationRequest, options: { signal?: AbortSignal; waitMilliseconds?: number }): Promise<{ id: string; outcome: JobOutcome }>;
}

/**
 * In-process execution without persistence: prepare, call the provider, poll if it is async, store the outputs.
 * Used by the CLI's one-shot commands, where there is no server to survive. Runs the chosen provider only: the
 * fallback chain (`JobSpec.fallbacks`) is the durable scheduler's job.
 */
export class DirectGenerationService implements GenerationService {
  constructor(private readonly context: PrepareContext & { sleep(milliseconds: number, signal?: AbortSignal): Promise<void> }) {}

  async run(request: GenerationRequest, options: { signal?: AbortSignal } = {}): Promise<{ id: string; outcome: JobOutcome }> {
    const id = randomUUID();
    const spec = await prepareJob(request, this.context);
    const model = this.context.catalog.modelFor(spec.providerId, spec.modelId);
    const call = await buildGenerationCall(spec, this.context.fileStore);
    const callContext = { signal: options.signal ?? new AbortController().signal, idempotencyKey: id, onProgress: () => {} };
    const started = await model.start(call, callContext);
    const result = started.status === 'completed' ? started.result : await pollUntilDone(model, started.operation, callContext, this.context.sleep);
    return { id, outcome: await storeResult(spec, result, this.context.fileStore) };
  }
}
