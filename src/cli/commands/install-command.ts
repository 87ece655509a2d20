import { readSettings } from '../../config/read-settings.ts';
import { installableFlavors, providerSettingsFromInstall, saveInstalledSettings } from '../../config/install-provider.ts';
import { findProviderNamed } from '../../providers/provider-catalog.ts';
import { providerDefinitions } from '../../providers/registry.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { parseCommandLine, type Command, type FlagSpec } from '../command.ts';
import { checkServerIsThisMachine, postToServer, serverAddress } from '../post-to-server.ts';

const flags: Record<string, FlagSpec> = {
  remote: { type: 'boolean', description: 'Install a cloud provider for the service (AOG form)' },
  flavor: { type: 'string', description: `Provider flavor: ${installableFlavors.join(', ')}` },
  auth_key: { type: 'string', description: 'Credentials as JSON, e.g. \'{"api_key":"sk-…"}\' or \'{"secret_id":"…","secret_key":"…"}\'' },
  server: { type: 'string', description: 'A running Atelier to configure (default ATELIER_SERVER, else http://127.0.0.1:16688); when none answers, config.json is written directly' },
  'data-dir': { type: 'string', description: 'Data directory holding config.json (default ~/.atelier)' },
};

/**
 * `atelier install image-to-image --remote --flavor aliyun --auth_key '{"api_key":"…"}'`, as AOG's CLI takes it.
 * A running server is configured through its control plane (so it reloads at once); otherwise the config file
 * (mode 0600) is written for the next start. The key is never printed.
 */
export const installCommand: Command = {
  name: 'install',
  summary: 'Configure a cloud provider for image-to-image or image-to-video (AOG-compatible form)',
  usage: 'atelier install <image-to-image|image-to-video> [--remote --flavor aliyun --auth_key \'{"api_key":"…"}\']',
  flags,
  async run(argv) {
    const commandLine = parseCommandLine(this, argv, { positionals: true });
    if (!commandLine) return 0;
    const { values, positionals } = commandLine;
    const service = positionals[0];
    if (service !== 'image-to-image' && service !== 'image-to-video') {
      console.error('atelier install: name the service: image-to-image or image-to-video');
      return 2;
    }
    if (!values.remote) {
      console.log(`${service}: the embedded engine serves it locally; nothing to install.`);
      return 0;
    }
    try {
      const flavor = String(values.flavor ?? '');
      const authKey = values.auth_key as string | undefined;
      const { providerId, settings } = providerSettingsFromInstall(flavor, authKey);
      const server = serverAddress(values.server as string | undefined);
      try {
        checkServerIsThisMachine(server);
      } catch (error) {
        console.error(`atelier install: ${(error as Error).message}`);
        return 2;
      }
      // No answer within 2 s: no server runs there, and config.json is written directly below.
      const viaServer = await postToServer(server, '/aog/v0.2/service/install', JSON.stringify({
        service_name: service, service_source: 'remote', api_flavor: flavor, auth_key: authKey,
      }), { timeoutMilliseconds: 2000 }).catch(() => undefined);
      if (viaServer?.ok) {
        console.log(`${service}: ${providerId} configured on the running Atelier at ${server}.`);
        return 0;
      }
      if (viaServer) {
        console.error(`atelier install: the server refused it: ${String(viaServer.body.message ?? viaServer.status)}`);
        return 1;
      }
      const dataDirectory = values['data-dir'] as string | undefined;
      const { dataDirectory: directory } = readSettings(dataDirectory ? ['--data-dir', dataDirectory] : [], process.env);
      // The server's own check, before the write: invalid settings would otherwise stop the next start.
      const provider = findProviderNamed(providerDefinitions, providerId)!;
      await saveInstalledSettings(directory, provider, settings, (file) => provider.readSettings({ env: process.env, file }));
      console.log(`${service}: ${providerId} configured in ${directory}/config.json (no running server answered; it takes effect at the next start).`);
      return 0;
    } catch (error) {
      if (GatewayError.isInstance(error)) {
        console.error(`atelier install: ${error.message}`);
        return 2;
      }
      throw error;
    }
  },
};
