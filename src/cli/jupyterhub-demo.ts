/**
 * `fedomop demo --jupyterhub`: a real multi-user JupyterHub (with configurable-http-proxy) in front of
 * the demo, configured from deploy/jupyterhub/values.yaml as the researchers' JupyterHub in Kubernetes
 * is (deploy/jupyterhub/local/jupyterhub_config.py). Users sign in at JupyterHub through the dev IdP
 * exactly as through Helmholtz AAI, get their own JupyterLab with fedomop, and the fedomop server
 * extension takes their access token from JupyterHub's auth state.
 *
 * The IdP gets a users file for this: JupyterHub's confidential client (a fresh secret per start),
 * mallory in an institute-wide group that JupyterHub admits but no site entitles, and eve in no group
 * at all, whom JupyterHub turns away.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { demoGroup, DEMO_VO } from '../dev-idp/users.js';

export const JUPYTERHUB_CLIENT_ID = 'fedomop-jupyterhub';
/** Every Helmholtz member: may use the JupyterHub, holds no site's entitlement. */
export const MEMBERS_GROUP = demoGroup('helmholtz-members');
export const JUPYTERHUB_ALLOWED_GROUPS = [demoGroup(DEMO_VO), MEMBERS_GROUP];

export interface JupyterHubDemo {
  usersFile: string;
  clientSecret: string;
}

/** The dev IdP's users file for a JupyterHub on `port` (written into `dir`). */
export function writeJupyterHubUsers(dir: string, port: number): JupyterHubDemo {
  const clientSecret = randomBytes(24).toString('hex');
  const usersFile = path.join(dir, 'jupyterhub-users.toml');
  const toml = [
    '# Written by fedomop demo --jupyterhub: the demo users plus what a JupyterHub needs.',
    'demo_users = true',
    '',
    '[[users]]',
    'username = "mallory"',
    'name = "Mallory Outsider"',
    'email = "mallory@example.org"',
    `groups = ["${MEMBERS_GROUP}"]`,
    '',
    '[[users]]',
    'username = "eve"',
    'name = "Eve Stranger"',
    'email = "eve@example.org"',
    'groups = []',
    '',
    '[[clients]]',
    `client_id = "${JUPYTERHUB_CLIENT_ID}"`,
    `client_secret = "${clientSecret}"`,
    `redirect_uris = ["http://127.0.0.1:${port}/hub/oauth_callback"]`,
    '',
  ].join('\n');
  writeFileSync(usersFile, toml, { mode: 0o600 });
  return { usersFile, clientSecret };
}

export interface JupyterHubStart {
  repo: string;
  dir: string;
  port: number;
  issuer: string;
  hub: string;
  clientSecret: string;
  serve: (command: string, args: string[], ready: RegExp, env: NodeJS.ProcessEnv, echo: boolean) => Promise<ChildProcess>;
}

/** Starts JupyterHub; resolves once it says it is running. */
export function startJupyterHub(o: JupyterHubStart): Promise<ChildProcess> {
  const state = path.join(o.dir, 'jupyterhub');
  mkdirSync(state, { recursive: true });
  const venvBin = path.join(o.repo, '.venv', 'bin');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${venvBin}:${process.env.PATH}`,
    FEDOMOP_JH_PORT: String(o.port),
    FEDOMOP_JH_STATE: state,
    FEDOMOP_IDP_ISSUER: o.issuer,
    FEDOMOP_JH_CLIENT_ID: JUPYTERHUB_CLIENT_ID,
    FEDOMOP_JH_CLIENT_SECRET: o.clientSecret,
    FEDOMOP_JH_ALLOWED_GROUPS: JUPYTERHUB_ALLOWED_GROUPS.join(','),
    FEDOMOP_HUB_URL: o.hub,
    // Auth state (the users' tokens) is encrypted at rest with this key; a fresh one per start.
    JUPYTERHUB_CRYPT_KEY: randomBytes(32).toString('hex'),
  };
  const config = path.join(o.repo, 'deploy', 'jupyterhub', 'local', 'jupyterhub_config.py');
  return o.serve(path.join(venvBin, 'jupyterhub'), ['-f', config], /JupyterHub is now running at/, env, false);
}
