import type { GenerationRequest } from './generation-request.ts';
import type { JobOutcome } from './run-job.ts';

/**
 * Runs generation requests for the routes and the CLI. The one implementation is the durable, task-backed
 * `TaskGenerationService` (`src/tasks/`); one-shot CLI runs give it an in-memory backend.
 */
export interface GenerationService {
  /** Runs a request to completion (sync AOG routes, CLI); resolves with the task id and the outcome. */
  run(request: GenerationRequest, options: { signal?: AbortSignal; waitMilliseconds?: number }): Promise<{ id: string; outcome: JobOutcome }>;
}
