import { parseArgs } from 'node:util';

/** A CLI flag; help text is generated from these. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  description: string;
  short?: string;
}

/** One `atelier <name>` command. `run` returns the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: Readonly<Record<string, FlagSpec>>;
  run(argv: string[]): Promise<number>;
}

export function renderHelp(command: Pick<Command, 'name' | 'summary' | 'usage' | 'flags'>): string {
  const lines = [`atelier ${command.name} — ${command.summary}`, '', `Usage: ${command.usage}`, '', 'Options:'];
  const entries = Object.entries({ ...command.flags, help: { type: 'boolean', description: 'Show this help' } as FlagSpec });
  const width = Math.max(...entries.map(([name, flag]) => name.length + (flag.type === 'string' ? 8 : 0)));
  for (const [name, flag] of entries) {
    const left = `--${name}${flag.type === 'string' ? ' <value>' : ''}`;
    lines.push(`  ${left.padEnd(width + 4)}  ${flag.description}${flag.multiple ? ' (repeatable)' : ''}`);
  }
  return lines.join('\n');
}

/** parseArgs options for a command's flags (plus --help). */
export function parseOptionsFor(flags: Readonly<Record<string, FlagSpec>>) {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, flag] of Object.entries(flags)) {
    // parseArgs rejects keys that are present but undefined, so only copy what is set.
    options[name] = { type: flag.type, ...(flag.multiple ? { multiple: true } : {}), ...(flag.short ? { short: flag.short } : {}) };
  }
  return options;
}

/** A command line read by `parseCommandLine`. */
export interface ParsedCommandLine {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Reads `argv` against the command's flags (strict: an unknown flag throws). For `--help` it prints the command's help
 * and answers undefined: `run` then returns 0.
 *
 * @param options.positionals whether the command takes positional arguments (refused otherwise)
 */
export function parseCommandLine(command: Command, argv: string[], options: { positionals?: boolean } = {}): ParsedCommandLine | undefined {
  const { values, positionals } = parseArgs({ args: argv, options: parseOptionsFor(command.flags), allowPositionals: options.positionals ?? false, strict: true }) as ParsedCommandLine;
  if (values.help) {
    console.log(renderHelp(command));
    return undefined;
  }
  return { values, positionals };
}
