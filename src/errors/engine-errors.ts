import type { ErrorSpec } from './error-spec.ts';

/** Errors from the embedded engine. */
export const engineErrors = {
  style_unknown: {
    status: 400, businessCode: 150301, retryable: false,
    message: 'style must be one of {known} but received {received}',
    description: 'The explicit style field names no catalogue entry.',
    howToFix: 'Use an id from GET /v1/styles, or leave style out and describe the effect in prompt.',
  },
  engine_failed: {
    status: 500, businessCode: 150302, retryable: true,
    message: 'The embedded engine failed while running {stage}: {reason}',
    description: 'An unexpected failure inside the embedded engine.',
    howToFix: 'Retry; if it repeats, report it with the input image.',
  },
} as const satisfies Record<string, ErrorSpec>;
