import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readSettings } from '../config/read-settings.ts';
import type { Settings } from '../config/settings.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { silentLogger } from '../logging/logger.ts';
import { createContext, type AppContext } from '../server/create-context.ts';
import { parseOptionsFor, renderHelp, type Command, type FlagSpec } from './command.ts';

/** A CLI number flag: undefined when absent, otherwise Number(value) (validation happens in the request schema). */
export function numberOrUndefined(value: string | boolean | undefined): number | string | undefined {
  if (typeof value !== 'string') return undefined;
  // Number('') is 0: an empty or non-numeric flag goes on as its text, so validation refuses it and names it.
  const number = Number(value);
  return value.trim() === '' || Number.isNaN(number) ? value : number;
}

/**
 * A CLI image argument as the request's field pair (`image` and `image_type`, or `mask` and `mask_type`): http(s)
 * URLs stay URLs, anything else is an absolute path.
 */
export function inputFields(field: 'image' | 'mask', value: string): Record<string, string> {
  const url = /^https?:\/\//i.test(value);
  return { [field]: url ? value : resolve(value), [`${field}_type`]: url ? 'url' : 'path' };
}

/**
 * Settings for the in-process commands. The CLI runs as the local user on their own files, so path inputs are not
 * confined to roots here.
 */
export function inProcessSettings(dataDirectory: string | undefined): Settings {
  return readSettings([...(dataDirectory ? ['--data-dir', dataDirectory] : []), '--input-root', '/', '--log-level', 'warn'], process.env);
}

/** How the in-process commands choose a provider: the same three knobs as the AOG routes. */
export const routingFlags: Record<string, FlagSpec> = {
  provider: { type: 'string', description: 'Provider to use: aliyun (dashscope), tencent, stepfun, openai or local (AOG remote_service_provider)' },
  'hybrid-policy': { type: 'string', description: 'default | always_local | always_remote (default: default)' },
  fallbacks: { type: 'string', description: 'Providers to try, in order, when the chosen one fails with a retryable error, e.g. "tencent,local"' },
};

/** The request fields of `routingFlags`; absent flags stay absent (validation happens in the request schema). */
export function routingFields(values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const fallbacks = values.fallbacks;
  return {
    remote_service_provider: values.provider,
    hybrid_policy: values['hybrid-policy'],
    fallbacks: typeof fallbacks === 'string' ? fallbacks.split(',').map((entry) => entry.trim()).filter(Boolean) : undefined,
  };
}

/** Parsed flag values of a command. */
export type FlagValues = Record<string, string | boolean | undefined>;

/** The flags every in-process command shares: where the data directory is. */
export const dataDirectoryFlag: Record<string, FlagSpec> = {
  'data-dir': { type: 'string', description: 'Data directory for provider config and stored results (default ~/.atelier)' },
};

/**
 * The frame of an in-process command: parses its flags (`--help` prints the help, `--image` is required), creates a
 * context whose tasks live in memory (a one-shot run must not share or take work from a server's task database),
 * runs `work`, prints a gateway error as `atelier <name>: <message> [<code>]` with exit code 1, and always closes
 * the context. `onError` runs first on any error (e.g. to end a progress bar).
 */
export async function runInProcessCommand(
  command: Command,
  argv: string[],
  work: (input: { values: FlagValues; image: string; context: AppContext }) => Promise<number>,
  onError: () => void = () => {},
): Promise<number> {
  const { values } = parseArgs({ args: argv, options: parseOptionsFor(command.flags), strict: true }) as { values: FlagValues };
  if (values.help) {
    console.log(renderHelp(command));
    return 0;
  }
  if (typeof values.image !== 'string') {
    console.error(`atelier ${command.name}: --image is required (see --help)`);
    return 2;
  }
  const settings = inProcessSettings(values['data-dir'] as string | undefined);
  const context = await createContext(settings, { logger: silentLogger, durableTasks: false });
  try {
    return await work({ values, image: values.image, context });
  } catch (error) {
    onError();
    if (GatewayError.isInstance(error)) {
      console.error(`atelier ${command.name}: ${error.message} [${error.code}]`);
      return 1;
    }
    throw error;
  } finally {
    await context.close();
  }
}
