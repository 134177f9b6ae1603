/**
 * The `fedomop` command. Each subcommand lives in its own module and is loaded only when asked for,
 * so `fedomop synth` does not pay for fastify and `fedomop site` does not load the generator.
 */
type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  synth: {
    summary: 'generate a synthetic OMOP CDM 5.4 site as a DuckDB file',
    load: async () => (await import('./synth-command.js')).synthCommand,
  },
  site: {
    summary: 'run a site service next to one OMOP database',
    load: async () => (await import('./site-command.js')).siteCommand,
  },
  check: {
    summary: 'check that an OMOP CDM has the tables and columns fedomop reads',
    load: async () => (await import('./check-command.js')).checkCommand,
  },
  demo: {
    summary: 'three synthetic sites and a hub on loopback, for trying fedomop out',
    load: async () => (await import('./demo-command.js')).demoCommand,
  },
  hub: {
    summary: 'run the hub that fans plans out to sites and pools their answers',
    load: async () => (await import('./hub-command.js')).hubCommand,
  },
  'dev-idp': {
    summary: 'a development OpenID Connect provider standing in for Helmholtz AAI (loopback)',
    load: async () => (await import('./dev-idp-command.js')).devIdpCommand,
  },
  'dev-token': {
    summary: 'sign in at the dev IdP without a browser and print an access token',
    load: async () => (await import('./dev-token-command.js')).devTokenCommand,
  },
  audit: {
    summary: "check an audit log's hash chain (audit verify FILE)",
    load: async () => (await import('./audit-command.js')).auditCommand,
  },
  cohort: {
    summary: 'generate an OHDSI Circe cohort into a CDM database (cohort generate ...)',
    load: async () => (await import('../generate/cohort-command.js')).cohortCommand,
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: fedomop <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun fedomop <command> --help for its options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`fedomop: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return (await command.load())(rest);
}
