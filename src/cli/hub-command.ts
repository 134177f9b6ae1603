/** `fedomop hub`: the hub service, until SIGINT/SIGTERM. Exit codes: 0 clean stop, 2 bad config, 1 cannot listen. */
import { FedomopError } from '../errors.js';
import { HUB_USAGE, loadHubConfig, startHub, type StartHubOptions } from '../hub/index.js';
import { verifierConfig } from '../auth/config.js';
import { HUB_LOAD_DEFAULTS } from '../hub/config.js';
import { planListen } from './insecure.js';
import { untilSignal } from './signals.js';

export async function hubCommand(argv: string[]): Promise<number> {
  let options: StartHubOptions | 'help';
  try {
    options = prepare(argv);
  } catch (err) {
    if (!(err instanceof FedomopError)) throw err;
    // The listen policy's messages already name the service.
    process.stderr.write(err.message.startsWith('fedomop hub') ? `${err.message}\n` : `fedomop hub: ${err.message}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(HUB_USAGE + '\n');
    return 0;
  }
  let hub;
  try {
    hub = await startHub(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE' ? 'address already in use' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    process.stderr.write(`fedomop hub: cannot listen on ${options.host}:${options.port}: ${why}\n`);
    return 1;
  }
  process.stdout.write(`fedomop hub listening on ${hub.url} (sites: ${hub.config.sites.map((s) => s.id).join(', ')})\n`);
  const signal = await untilSignal();
  // Drains: no new queries; running ones get drain_ms to finish, then are cancelled (their site
  // requests aborted, which stops the sites' SQL); the audit log is closed after the last line.
  const drainMs = hub.config.drainMs ?? HUB_LOAD_DEFAULTS.drainMs;
  process.stderr.write(`fedomop hub: ${signal}: draining (up to ${drainMs} ms), then stopping\n`);
  await hub.close({ drainMs });
  return 0;
}

function prepare(argv: string[]): StartHubOptions | 'help' {
  const cli = loadHubConfig(argv);
  if (cli.help) return 'help';
  const authConfigured = cli.config.auth?.issuer !== undefined;
  if (authConfigured && cli.devInsecure) {
    throw new FedomopError('ERR_CONFIG_INVALID', '--dev-insecure turns token checks off: do not combine it with an issuer');
  }
  // Checked here, so a bad issuer is a configuration error (exit 2), not a failure to listen.
  if (authConfigured) verifierConfig(cli.config.auth!);
  const listen = planListen('hub', {
    host: cli.config.host,
    port: cli.config.port,
    devInsecure: cli.devInsecure,
    authConfigured,
  });
  return { ...cli.config, host: listen.host, port: listen.port };
}
