import { shortenText } from '../text/character-length.ts';
import { errorCatalogue, isErrorCode, type ErrorCode } from './catalogue.ts';

/** Values that fill a message template; kept JSON-friendly so errors can be persisted with tasks. */
export type ErrorParameters = Readonly<Record<string, string | number | boolean | undefined>>;

const marker = Symbol.for('atelier.gateway-error');

/**
 * The one error type Atelier throws for known conditions. Identify it with `GatewayError.isInstance`, not
 * `instanceof`: errors cross worker threads and JSON persistence (see `toJSON` / `fromJSON`).
 *
 * @example throw new GatewayError('input_path_not_found', { path });
 */
export class GatewayError extends Error {
  readonly [marker] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly businessCode: number;
  readonly retryable: boolean;
  readonly parameters: ErrorParameters;
  /** Extra fields rendered next to the message, e.g. `task_id` for a sync wait that ran out. */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    parameters: ErrorParameters = {},
    options: { cause?: unknown; retryable?: boolean; extra?: Record<string, unknown> } = {},
  ) {
    const spec = errorCatalogue[code];
    super(fillTemplate(spec.message, parameters), { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = spec.status;
    this.businessCode = spec.businessCode;
    this.retryable = options.retryable ?? spec.retryable;
    this.parameters = parameters;
    this.extra = options.extra ?? {};
  }

  static isInstance(value: unknown): value is GatewayError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  /** Serialisable form, for task rows and worker messages. */
  toJSON(): SerializedGatewayError {
    return { code: this.code, message: this.message, retryable: this.retryable, parameters: this.parameters, extra: this.extra };
  }

  static fromJSON(value: SerializedGatewayError): GatewayError {
    const code = isErrorCode(value.code) ? value.code : 'internal_error';
    return new GatewayError(code, value.parameters, { retryable: value.retryable, extra: value.extra });
  }
}

export interface SerializedGatewayError {
  code: string;
  message: string;
  retryable: boolean;
  parameters: ErrorParameters;
  extra?: Readonly<Record<string, unknown>>;
}

/** Fills `{name}` placeholders; unknown placeholders stay visible so a missing parameter is noticed in tests. */
export function fillTemplate(template: string, parameters: ErrorParameters): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = parameters[name];
    return value === undefined ? whole : String(value);
  });
}

/** Shortens a value for an error message so a 10 MB base64 string never lands in a response or a log. */
export function describeReceived(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    // Cut in characters, as limits count them: a cut by UTF-16 units could leave half an emoji in the message.
    const shown = shortenText(value, 60);
    return `"${shown}" (string)`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${value} (${typeof value})`;
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value}`;
}
