import { readSettings, serveFlags } from '../../config/read-settings.ts';
import { PortInUseError, startServer } from '../../server/start-server.ts';
import { renderHelp, type Command } from '../command.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the gateway (what `npm start` runs)',
  usage: 'atelier serve [--host 127.0.0.1] [--port 16688] [--data-dir ~/.atelier] [--input-root <dir>]... [--allow-private-urls]',
  flags: serveFlags,
  async run(argv) {
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(renderHelp(this));
      return 0;
    }
    const settings = readSettings(argv, process.env);
    let server;
    try {
      server = await startServer(settings);
    } catch (error) {
      if (error instanceof PortInUseError) {
        console.error(`atelier: ${error.message}`);
        return 1;
      }
      throw error;
    }
    // Printed on stdout so scripts and tests can read the address (the port may have been chosen by the OS).
    console.log(`Atelier listening on ${server.url}`);
    await new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        console.log(`Atelier: ${signal} received, finishing in-flight work…`);
        server.stop().then(resolve, (error) => {
          console.error(error);
          resolve();
        });
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
    return 0;
  },
};

