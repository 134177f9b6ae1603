/** `fedomop site`: one site service, until SIGINT/SIGTERM. */
import { FedomopError } from '../errors.js';
import { loadSiteConfig, SITE_USAGE, startSite } from '../site/index.js';
import { untilSignal } from './signals.js';

export async function siteCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'history') return (await import('./site-history-command.js')).siteHistoryCommand(argv.slice(1));
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(SITE_USAGE + '\n');
    return 0;
  }
  try {
    const config = await loadSiteConfig(argv);
    const site = await startSite(config);
    process.stdout.write(
      `fedomop site ${config.id} listening on ${site.url} (min cell count ${config.disclosure.minCellCount}, disclosure profile ${config.disclosure.profile ?? 'custom'})\n`,
    );
    const signal = await untilSignal();
    const drainMs = config.drainMs ?? 10_000;
    process.stderr.write(`fedomop site ${config.id}: ${signal}: draining (up to ${drainMs} ms), then stopping\n`);
    await site.close({ drainMs });
    return 0;
  } catch (err) {
    if (err instanceof FedomopError) {
      process.stderr.write(`fedomop site: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
