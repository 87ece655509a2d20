import type { ErrorSpec } from './error-spec.ts';

/** Errors about the server itself. */
export const serverErrors = {
  internal_error: {
    status: 500, businessCode: 500, retryable: true,
    message: 'Internal error (reference {reference}); the details are in the server log',
    description: 'An unexpected failure. The response never includes internals; the server log has the stack under the same reference.',
    howToFix: 'Retry; if it repeats, report the reference from the message with the server log.',
  },
  server_shutting_down: {
    status: 503, businessCode: 150501, retryable: true,
    message: 'Atelier is shutting down and accepts no new work',
    description: 'A request arrived after SIGINT/SIGTERM; work already accepted still finishes.',
    howToFix: 'Retry once the server is back.',
  },
} as const satisfies Record<string, ErrorSpec>;
