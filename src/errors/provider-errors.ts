import type { ErrorSpec } from './error-spec.ts';

/** Errors from cloud providers (upstream), mapped from each provider's own codes. */
export const providerErrors = {
} as const satisfies Record<string, ErrorSpec>;
