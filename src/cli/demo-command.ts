/**
 * `fedomop demo`: the dev identity provider, three synthetic sites (generated once into .data/demo),
 * each as its own site process verifying tokens under policy/demo-policy.toml, a hub in front of
 * them, and JupyterLab with the fedomop extension pointed at the hub, all on loopback. Prints the
 * demo users and the JupyterLab URL; Ctrl-C stops every process. `--dev-insecure` runs it all
 * without token checks instead, as before sign-in existed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { verifyAuditText } from '../node/audit-verify.js';
import { HUB_NODE_FLAGS } from '../hub/node-flags.js';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { removeSynthFile, stampSynthFile, synthFileIsCurrent } from '../synth/format-stamp.js';
import { startJupyterHub, writeJupyterHubUsers } from './jupyterhub-demo.js';
import { untilSignal } from './signals.js';

const CLI = fileURLToPath(new URL('../../bin/fedomop.js', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

export const DEMO_SITES = [
  { id: 'central', name: 'Central University Hospital', profile: 'central', persons: 60000, seed: 101, port: 8101 },
  { id: 'north', name: 'North Regional Hospital', profile: 'regional', persons: 25000, seed: 202, port: 8102 },
  { id: 'south', name: 'South Community Hospital', profile: 'small', persons: 10000, seed: 303, port: 8103 },
] as const;

/** Runs `fedomop <args>` (or `command <commandArgs>`) to the end, output shown. */
function run(args: string[], command = process.execPath, commandArgs = [CLI, ...args]): Promise<number | null> {
  return new Promise((resolve) => spawn(command, commandArgs, { stdio: 'inherit' }).on('exit', resolve));
}

/** Starts a child and resolves once its output matches `ready`. */
function serve(
  command: string,
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = process.env,
  echo = true,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    const onData = (d: Buffer) => {
      if (echo) process.stdout.write(d);
      out += d;
      if (ready.test(out)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`${path.basename(command)} ${args[0] ?? ''} exited with ${code}:\n${out.slice(-2000)}`)),
    );
  });
}

const fedomop = (args: string[]) => serve(process.execPath, [CLI, ...args], /listening on/);

const DEMO_POLICY = path.join(REPO, 'policy', 'demo-policy.toml');

/** An audit log from before the logs were hash chains cannot be continued: move it aside. */
function chainable(file: string): string {
  if (existsSync(file) && !verifyAuditText(readFileSync(file, 'utf8')).ok) {
    const aside = `${file}.${Date.now()}.old`;
    renameSync(file, aside);
    process.stderr.write(`fedomop demo: ${path.basename(file)} is not an intact hash chain; moved to ${aside}\n`);
  }
  return file;
}

export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      dir: { type: 'string', default: '.data/demo' },
      'hub-port': { type: 'string', default: '8100' },
      'lab-port': { type: 'string', default: '8888' },
      'no-lab': { type: 'boolean', default: false },
      'idp-port': { type: 'string', default: '8090' },
      'dev-insecure': { type: 'boolean', default: false },
      jupyterhub: { type: 'boolean', default: false },
      'jupyterhub-port': { type: 'string', default: '8000' },
      'site-port-base': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: fedomop demo [--dir .data/demo] [--hub-port 8100] [--lab-port 8888] [--idp-port 8090] [--no-lab] [--dev-insecure]\n' +
        '                    [--jupyterhub [--jupyterhub-port 8000]] [--site-port-base N]\n' +
        '  --jupyterhub: a multi-user JupyterHub (sign-in at JupyterHub through the dev IdP) instead of one JupyterLab.\n' +
        '  Signed in by default: a dev IdP (alice, bob, mallory), sites under policy/demo-policy.toml.\n' +
        '  --dev-insecure runs everything without token checks instead (loopback only).\n',
    );
    return 0;
  }
  const dir = path.resolve(values.dir!);
  mkdirSync(dir, { recursive: true });
  const children: ChildProcess[] = [];
  const insecure = values['dev-insecure'] === true;
  const hubPort = values['hub-port']!;
  const hub = `http://127.0.0.1:${hubPort}`;
  const jupyterHubPort = Number(values['jupyterhub-port']);
  if (values.jupyterhub && insecure) {
    process.stderr.write('fedomop demo: --jupyterhub signs users in; it cannot run with --dev-insecure\n');
    return 2;
  }
  const jupyterHub = values.jupyterhub ? writeJupyterHubUsers(dir, jupyterHubPort) : undefined;
  const portBase = values['site-port-base'] === undefined ? undefined : Number(values['site-port-base']);
  const sites = DEMO_SITES.map((s, i) => ({ ...s, port: portBase === undefined ? s.port : portBase + i }));
  try {
    // The dev IdP first: sites and hub verify tokens against it (unless --dev-insecure).
    let issuer = '';
    if (!insecure) {
      const users = jupyterHub ? ['--users', jupyterHub.usersFile] : [];
      children.push(await fedomop(['dev-idp', '--port', values['idp-port']!, ...users]));
      issuer = `http://127.0.0.1:${values['idp-port']}`;
    }
    const auth = (service: 'site' | 'hub') =>
      insecure
        ? ['--dev-insecure']
        : [
            '--host',
            '127.0.0.1',
            '--issuer',
            issuer,
            ...(service === 'site' ? ['--policy', DEMO_POLICY, '--hub-keys', `${hub}/v1/keys`] : []),
          ];
    for (const s of sites) {
      const file = path.join(dir, `${s.id}.duckdb`);
      // Generated once, and again when an older generator wrote it (e.g. before the era tables).
      if (!synthFileIsCurrent(file)) {
        removeSynthFile(file);
        const code = await run([
          'synth',
          '--seed',
          String(s.seed),
          '--persons',
          String(s.persons),
          '--profile',
          s.profile,
          '--out',
          file,
        ]);
        if (code !== 0) return 1;
        stampSynthFile(file);
      }
      children.push(
        await fedomop([
          'site',
          '--db',
          file,
          '--id',
          s.id,
          '--name',
          s.name,
          '--port',
          String(s.port),
          ...auth('site'),
          '--audit-log',
          chainable(path.join(dir, `${s.id}.audit.jsonl`)),
        ]),
      );
    }
    children.push(
      // With the node flags the hub is deployed with (src/hub/node-flags.ts).
      await serve(
        process.execPath,
        [
          ...HUB_NODE_FLAGS,
          CLI,
          'hub',
          '--port',
          hubPort,
          ...auth('hub'),
          '--audit-log',
          chainable(path.join(dir, 'hub.audit.jsonl')),
          ...sites.flatMap((s) => ['--site', `${s.id}=http://127.0.0.1:${s.port}`]),
        ],
        /listening on/,
      ),
    );
    let labUrl = '';
    if (jupyterHub) {
      children.push(
        await startJupyterHub({
          repo: REPO,
          dir,
          port: jupyterHubPort,
          issuer,
          hub,
          clientSecret: jupyterHub.clientSecret,
          serve,
        }),
      );
      labUrl = `http://127.0.0.1:${jupyterHubPort}/hub/login`;
    } else if (!values['no-lab']) {
      const jupyter = path.join(REPO, '.venv', 'bin', 'jupyter');
      if (!existsSync(jupyter)) {
        process.stderr.write(`JupyterLab is not installed in ${path.dirname(jupyter)}: run scripts/setup.sh (or use --no-lab)\n`);
        return 1;
      }
      // JupyterLab opens where a researcher works: a welcome notebook, the sample cohort, the
      // templates made into notebooks (fedomop/workspace.py), not the source tree.
      const workspace = path.join(dir, 'workspace');
      if ((await run([], path.join(path.dirname(jupyter), 'python'), ['-m', 'fedomop.workspace', workspace])) !== 0) return 1;
      const token = randomBytes(16).toString('hex');
      const port = values['lab-port']!;
      const labArgs = [
        'lab',
        '--no-browser',
        '--ServerApp.ip=127.0.0.1',
        `--ServerApp.root_dir=${workspace}`,
        `--port=${port}`,
        '--port-retries=0',
        `--IdentityProvider.token=${token}`,
      ];
      if (process.getuid?.() === 0) labArgs.push('--allow-root');
      const env = {
        ...process.env,
        FEDOMOP_HUB_URL: hub,
        // For the lab's sign-in (the dev IdP stands in for Helmholtz AAI; docs/auth.md): the server
        // extension's c.Fedomop.idp_* settings. offline_access: renewal by refresh token, no second popup.
        ...(issuer && {
          FEDOMOP_IDP_ISSUER: issuer,
          FEDOMOP_IDP_CLIENT_ID: 'fedomop-lab',
          FEDOMOP_IDP_SCOPES: 'openid profile email eduperson_entitlement offline_access',
        }),
        PATH: `${path.dirname(jupyter)}:${process.env.PATH}`,
      };
      children.push(await serve(jupyter, labArgs, /is running at|http:\/\/127\.0\.0\.1:\d+\/lab/, env, false));
      labUrl = `http://127.0.0.1:${port}/lab?token=${token}`;
    }
    process.stdout.write(
      `\nfedomop demo is up.\n` +
        (jupyterHub
          ? `  JupyterHub:  ${labUrl}   (sign in through the dev IdP; mallory gets a server but no site's\n` +
            `               entitlement, eve is in no allowed group and gets no server)\n`
          : labUrl
            ? `  JupyterLab:  ${labUrl}\n               (welcome.ipynb; Launcher → "Federated Query" and "fedomop templates")\n`
            : '') +
        `  Hub:         ${hub}\n` +
        (issuer
          ? `  Sign-in:     dev IdP ${issuer} (stands in for Helmholtz AAI). Demo users (password = name):\n` +
            `                 alice    entitled at central, north and south\n` +
            `                 bob      entitled at north only\n` +
            `                 mallory  signs in, entitled nowhere\n` +
            `               TOKEN=$(fedomop dev-token alice --idp ${issuer}); add -H "Authorization: Bearer $TOKEN" below\n`
          : `  NO SIGN-IN:  --dev-insecure, no token checks\n`) +
        `  sites:       curl ${hub}/v1/sites\n` +
        `  a query:     curl -s -XPOST ${hub}/v1/queries -H 'content-type: application/json' \\\n` +
        `                 -d "{\\"plan\\": $(cat spec/examples/valid/prostate-cancer-count.json)}"\n` +
        `  its results: curl -s ${hub}/v1/queries/<id>   (status)   and   ${hub}/v1/queries/<id>/results (Arrow)\n` +
        `  audit logs:  ${path.join(dir, '<site>.audit.jsonl')} and hub.audit.jsonl   (one line per plan asked)\n` +
        `Press Ctrl-C to stop.\n`,
    );
    await untilSignal();
    return 0;
  } finally {
    for (const c of children.reverse()) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : undefined)));
  }
}
