import { SettingsError } from '../config/read-settings.ts';
import type { Command } from './command.ts';
import { exportCommand } from './commands/export-command.ts';
import { imageToImageCommand } from './commands/image-to-image-command.ts';
import { imageToVideoCommand } from './commands/image-to-video-command.ts';
import { importCommand } from './commands/import-command.ts';
import { installCommand } from './commands/install-command.ts';
import { serveCommand } from './commands/serve-command.ts';
import { tasksCommand } from './commands/tasks-command.ts';

/** Every `atelier` command, one line each. */
const commands: readonly Command[] = [serveCommand, imageToImageCommand, installCommand, imageToVideoCommand, tasksCommand, importCommand, exportCommand];

function usage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return ['Atelier — local image-to-image gateway', '', 'Usage: atelier <command> [options]', '', 'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`), '', 'Run `atelier <command> --help` for a command\'s options.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    console.error(`atelier: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof SettingsError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`atelier ${name}: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
