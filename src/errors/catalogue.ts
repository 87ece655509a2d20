import type { ErrorArea, ErrorSpec } from './error-spec.ts';
import { engineErrors } from './engine-errors.ts';
import { inputErrors } from './input-errors.ts';
import { providerErrors } from './provider-errors.ts';
import { requestErrors } from './request-errors.ts';
import { routingErrors } from './routing-errors.ts';
import { serverErrors } from './server-errors.ts';
import { storageErrors } from './storage-errors.ts';
import { taskErrors } from './task-errors.ts';

/**
 * Every error Atelier can answer with, by area. Each area lives in its own file so that areas grow independently;
 * this is the one list the renderer, the docs generator and the catalogue test read.
 * Retired codes are never reused.
 */
export const errorAreas = {
  request: requestErrors,
  input: inputErrors,
  routing: routingErrors,
  engine: engineErrors,
  storage: storageErrors,
  task: taskErrors,
  provider: providerErrors,
  server: serverErrors,
} as const satisfies Record<ErrorArea, Record<string, ErrorSpec>>;

type Areas = typeof errorAreas;
/** A stable error code, e.g. `input_path_outside_roots`. */
export type ErrorCode = { [Area in keyof Areas]: keyof Areas[Area] }[keyof Areas] & string;

/** Flat view of the catalogue: code → spec. */
export const errorCatalogue: Readonly<Record<ErrorCode, ErrorSpec>> = Object.freeze(
  Object.assign({}, ...Object.values(errorAreas)) as Record<ErrorCode, ErrorSpec>,
);

/** True when `code` names a catalogue entry (for codes that crossed JSON or a worker thread). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errorCatalogue, code);
}
