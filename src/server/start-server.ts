import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Settings } from '../config/settings.ts';
import { createApp, type AdmissionGate } from '../http/create-app.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { createContext, type AppContext } from './create-context.ts';

export interface RunningServer {
  url: string;
  context: AppContext;
  /** Graceful stop: refuse new work, let in-flight requests finish, stop background work. */
  stop(): Promise<void>;
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/**
 * Binds first (so `--port 0` works and returned URLs carry the real port), then builds the context and the app.
 */
export async function startServer(settings: Settings, options: { logger?: Logger } = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: settings.logLevel });
  const server = createServer();
  await listen(server, settings);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const derivedPublicUrl = settings.publicUrl.endsWith(`:${settings.port}`) ? settings.publicUrl.replace(/:\d+$/, `:${port}`) : settings.publicUrl;
  const actualSettings: Settings = Object.freeze({ ...settings, port, publicUrl: derivedPublicUrl });

  let context: AppContext;
  try {
    context = await createContext(actualSettings, { logger });
  } catch (error) {
    // Without this the bound socket keeps the process alive after a start-up failure.
    server.close();
    throw error;
  }
  const gate: AdmissionGate = { accepting: true, inFlight: 0 };
  const app = createApp(context, gate);
  server.on('request', getRequestListener(app.fetch));
  logger.info('listening', { url: derivedPublicUrl, dataDirectory: settings.dataDirectory });

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    gate.accepting = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    while (gate.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 25));
    server.closeAllConnections();
    await closed;
    await context.close();
    logger.info('stopped');
  })());
  return { url: derivedPublicUrl, context, stop };
}

function listen(server: Server, settings: Settings): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new PortInUseError(`port ${settings.port} on ${settings.host} is already in use (perhaps AOG or another Atelier is running): stop it or start Atelier with --port <other>`));
      } else reject(error);
    });
    server.listen(settings.port, settings.host, () => resolve());
  });
}
