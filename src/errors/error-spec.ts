/**
 * The shape of one entry in the error catalogue. Data only: rendering lives in `render-error.ts`.
 *
 * `message` is a template: `{name}` placeholders are filled from the parameters given to
 * `new GatewayError(code, parameters)`. Keep the text actionable: say what was wrong and what to do.
 */
export interface ErrorSpec {
  /** HTTP status of the response. */
  readonly status: number;
  /**
   * AOG's `business_code`. Conditions AOG also has keep AOG's number (e.g. 30003 "model not exist", 40061 for
   * parameter validation, shared by all validation codes as in AOG); Atelier's own conditions use 150000–159999.
   */
  readonly businessCode: number;
  /** Message template with `{name}` placeholders. */
  readonly message: string;
  /** Whether the same request may succeed if sent again later (throttling, timeouts, upstream 5xx). */
  readonly retryable: boolean;
  /** One sentence for docs/errors.md: when this happens. */
  readonly description: string;
  /** One sentence for docs/errors.md: what the caller can do. */
  readonly howToFix: string;
}

/** The area headings used to group codes in docs/errors.md. */
export type ErrorArea = 'request' | 'input' | 'routing' | 'engine' | 'storage' | 'task' | 'provider' | 'server';
