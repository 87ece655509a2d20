import type { ErrorSpec } from './error-spec.ts';

/** Errors from the task store and scheduler. */
export const taskErrors = {
} as const satisfies Record<string, ErrorSpec>;
