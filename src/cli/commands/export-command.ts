import { writeFile } from 'node:fs/promises';
import { parseCommandLine, type Command, type FlagSpec } from '../command.ts';
import { postToServer, serverAddress } from '../post-to-server.ts';

const flags: Record<string, FlagSpec> = {
  file: { type: 'string', short: 'f', description: 'Write the .aog file here (default: print it)' },
  service: { type: 'string', description: 'Only this service (image-to-image or image-to-video)' },
  provider: { type: 'string', description: 'Only this provider, by its AOG name (e.g. remote_aliyun_image-to-image)' },
  model: { type: 'string', description: 'Only the providers serving this model' },
  server: { type: 'string', description: 'Atelier server to read (default http://127.0.0.1:16688, env ATELIER_SERVER)' },
};

/**
 * `atelier export [--file .aog]`, AOG's `aog export to-file` / `to-stdout`: the running server's services and
 * configured providers as a `.aog` file (`POST /aog/v0.2/service/export`). It never holds a key.
 */
export const exportCommand: Command = {
  name: 'export',
  summary: 'Write the services and configured providers as a .aog file (never keys)',
  usage: 'atelier export [--file ./.aog] [--service image-to-image] [--provider remote_aliyun_image-to-image] [--model wanx2.1-imageedit]',
  flags,
  async run(argv) {
    const commandLine = parseCommandLine(this, argv);
    if (!commandLine) return 0;
    const { values } = commandLine;
    const filters = { service_name: values.service, provider_name: values.provider, model_name: values.model };
    const server = serverAddress(values.server as string | undefined);
    let answer: Awaited<ReturnType<typeof postToServer>>;
    try {
      answer = await postToServer(server, '/aog/v0.2/service/export', JSON.stringify(filters));
    } catch (error) {
      console.error(`atelier export: ${(error as Error).message}`);
      return 1;
    }
    if (!answer.ok) {
      console.error(`atelier export: the server refused it: ${String(answer.body.message ?? answer.status)}`);
      return 1;
    }
    const text = `${JSON.stringify(answer.body, null, 2)}\n`;
    const file = values.file as string | undefined;
    if (file === undefined) {
      console.log(text.trimEnd());
      return 0;
    }
    await writeFile(file, text);
    const providers = Object.keys((answer.body.service_providers ?? {}) as object).length;
    console.error(`atelier export: wrote ${file} (${providers} provider entries, no keys).`);
    return 0;
  },
};
