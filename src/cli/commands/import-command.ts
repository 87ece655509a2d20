import { readFile } from 'node:fs/promises';
import { parseCommandLine, type Command, type FlagSpec } from '../command.ts';
import { checkServerIsThisMachine, postToServer, serverAddress } from '../post-to-server.ts';

const flags: Record<string, FlagSpec> = {
  file: { type: 'string', short: 'f', description: 'The .aog file (AOG\'s docs pass it this way; a positional path works too)' },
  server: { type: 'string', description: 'Atelier server to configure (default http://127.0.0.1:16688, env ATELIER_SERVER)' },
};

/**
 * `atelier import <file>`, AOG's `aog import --file`: sends a `.aog` file to the running server
 * (`POST /aog/v0.2/service/import`), which stores its keys and policies all or nothing. Keys are never printed.
 */
export const importCommand: Command = {
  name: 'import',
  summary: 'Apply a .aog file (AOG v0.7 or v0.6): provider keys and hybrid policies',
  usage: 'atelier import <file.aog> | --file <file.aog>',
  flags,
  async run(argv) {
    const commandLine = parseCommandLine(this, argv, { positionals: true });
    if (!commandLine) return 0;
    const { values, positionals } = commandLine;
    const file = (values.file as string | undefined) ?? positionals[0];
    if (file === undefined || positionals.length > (values.file === undefined ? 1 : 0)) {
      console.error(`atelier import: name one .aog file\n\nUsage: ${this.usage}`);
      return 2;
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      console.error(`atelier import: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return 1;
    }
    const server = serverAddress(values.server as string | undefined);
    let answer: Awaited<ReturnType<typeof postToServer>>;
    try {
      checkServerIsThisMachine(server);
      answer = await postToServer(server, '/aog/v0.2/service/import', text);
    } catch (error) {
      console.error(`atelier import: ${(error as Error).message}`);
      return 1;
    }
    if (!answer.ok) {
      console.error(`atelier import: the server refused ${file}, nothing was imported: ${String(answer.body.message ?? answer.status)}`);
      return 1;
    }
    const data = (answer.body.data ?? {}) as { providers?: string[]; services?: Record<string, string> };
    for (const warning of (answer.body.warnings ?? []) as Array<{ feature: string; details: string }>) console.error(`warning: ${warning.feature}: ${warning.details}`);
    const services = Object.entries(data.services ?? {}).map(([service, policy]) => `${service}=${policy}`);
    console.log(`Imported ${file} into ${server}: keys stored for ${data.providers?.length ? data.providers.join(', ') : 'no provider'}; `
      + `hybrid policies ${services.length > 0 ? services.join(', ') : 'unchanged'}.`);
    return 0;
  },
};
