import type { ErrorSpec } from './error-spec.ts';

/** Errors from serving stored results. */
export const storageErrors = {
  file_not_found: {
    status: 404, businessCode: 150401, retryable: false,
    message: 'No stored file with id {id}',
    description: 'The file id is unknown (or malformed).',
    howToFix: 'Use a url returned by Atelier; ids are the names after /v1/files/.',
  },
  range_not_satisfiable: {
    status: 416, businessCode: 150402, retryable: false,
    message: 'Range {range} cannot be served from a file of {size} bytes',
    description: 'The Range header asks for bytes outside the file, or is malformed.',
    howToFix: 'Ask for a range inside the file, or drop the Range header.',
  },
} as const satisfies Record<string, ErrorSpec>;
