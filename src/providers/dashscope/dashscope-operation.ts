import type { JsonValue } from '../spec/provider-model.ts';
import type { DashScopeModelFamily } from './dashscope-capabilities.ts';

/**
 * The persisted handle of one DashScope task: everything `status` and `cancel` need in a fresh process, and never
 * the key (it is read from the settings at poll time). Stored with the task row as JSON.
 */
export interface DashScopeOperation {
  provider: 'aliyun';
  /** DashScope's `output.task_id`. */
  taskId: string;
  /** Canonical model id sent upstream. */
  modelId: string;
  family: DashScopeModelFamily;
  /** ISO time of the submission: DashScope forgets tasks after 24 h. */
  submittedAt: string;
  /** Images asked for (image tasks) — a success with fewer is a partial failure. */
  expectedOutputs: number;
  /** Video: seconds asked for, the usage fallback when the answer has no duration. */
  requestedDurationSeconds?: number;
}

const families: readonly DashScopeModelFamily[] = ['image-edit', 'x-painting', 'style-repaint', 'image-to-video'];

/** The handle as the scheduler stores it. */
export function operationToJson(operation: DashScopeOperation): JsonValue {
  const json: { [key: string]: JsonValue } = {
    provider: operation.provider,
    taskId: operation.taskId,
    modelId: operation.modelId,
    family: operation.family,
    submittedAt: operation.submittedAt,
    expectedOutputs: operation.expectedOutputs,
  };
  if (operation.requestedDurationSeconds !== undefined) json.requestedDurationSeconds = operation.requestedDurationSeconds;
  return json;
}

/** Reads a stored handle back; undefined when it is not a DashScope handle (corrupt row, other provider). */
export function operationFromJson(value: JsonValue): DashScopeOperation | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { provider, taskId, modelId, family, submittedAt, expectedOutputs, requestedDurationSeconds } = value;
  if (provider !== 'aliyun' || typeof taskId !== 'string' || !/^[\w-]{1,128}$/.test(taskId)) return undefined;
  if (typeof modelId !== 'string' || typeof submittedAt !== 'string') return undefined;
  if (typeof family !== 'string' || !(families as readonly string[]).includes(family)) return undefined;
  if (typeof expectedOutputs !== 'number' || !Number.isInteger(expectedOutputs) || expectedOutputs < 1) return undefined;
  return {
    provider, taskId, modelId, family: family as DashScopeModelFamily, submittedAt, expectedOutputs,
    requestedDurationSeconds: typeof requestedDurationSeconds === 'number' ? requestedDurationSeconds : undefined,
  };
}
