/**
 * Who may sign in at the dev identity provider: three built-in demo users and, optionally, a users
 * file (TOML) that sets passwords and groups or adds users and clients. Groups are AARC-G002
 * entitlements as Helmholtz AAI issues them, so sites parse exactly what they will see in production.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { FedomopError } from '../errors.js';

export interface DevUser {
  username: string;
  password: string;
  name: string;
  email: string;
  /** `eduperson_entitlement` values, e.g. `urn:geant:helmholtz.de:group:fedomop:north#login.helmholtz.de`. */
  groups: string[];
}

/** An extra OAuth client from the users file or the command line. */
export interface DevClient {
  client_id: string;
  /** Absent: a public client (PKCE, no secret). */
  client_secret?: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
}

const AUTHORITY = 'login.helmholtz.de';
/** The VO the demo sites ask for; the shipped demo policy (policy/demo-policy.toml) names these groups. */
export const DEMO_VO = 'fedomop';
export const demoGroup = (path: string) => `urn:geant:helmholtz.de:group:${path}#${AUTHORITY}`;

export const DEMO_USERS: readonly DevUser[] = [
  {
    username: 'alice',
    password: 'alice',
    name: 'Alice Analyst',
    email: 'alice@example.org',
    groups: [
      demoGroup(DEMO_VO),
      demoGroup(`${DEMO_VO}:central`),
      demoGroup(`${DEMO_VO}:north`),
      demoGroup(`${DEMO_VO}:south`),
      demoGroup(`${DEMO_VO}:north:role=steward`),
    ],
  },
  {
    username: 'bob',
    password: 'bob',
    name: 'Bob Researcher',
    email: 'bob@example.org',
    groups: [demoGroup(DEMO_VO), demoGroup(`${DEMO_VO}:north`)],
  },
  // Signs in like anybody else, but no site's policy lets her do anything.
  { username: 'mallory', password: 'mallory', name: 'Mallory Outsider', email: 'mallory@example.org', groups: [] },
];

export interface UsersFile {
  users: DevUser[];
  clients: DevClient[];
}

/**
 * Reads a users file:
 * ```toml
 * demo_users = true            # keep alice, bob and mallory (default true)
 * [[users]]
 * username = "carol"
 * password = "s3cret"          # default: the user name
 * groups = ["urn:geant:helmholtz.de:group:fedomop:south#login.helmholtz.de"]
 * [[clients]]
 * client_id = "jupyterhub"
 * client_secret = "..."        # omit for a public client
 * redirect_uris = ["http://127.0.0.1:8000/hub/oauth_callback"]
 * ```
 * A user named like a demo user replaces it.
 */
export function loadUsersFile(file: string): UsersFile {
  let doc: Record<string, unknown>;
  try {
    doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new FedomopError('ERR_CONFIG_INVALID', `users file ${file}: ${(err as Error).message}`);
  }
  const bad = (what: string) => new FedomopError('ERR_CONFIG_INVALID', `users file ${file}: ${what}`);
  const strings = (v: unknown, what: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw bad(`${what} must be a list of strings`);
    return v as string[];
  };
  const users = new Map<string, DevUser>();
  if (doc.demo_users !== false) for (const u of DEMO_USERS) users.set(u.username, u);
  for (const [i, raw] of ((doc.users as Record<string, unknown>[] | undefined) ?? []).entries()) {
    const username = raw.username;
    if (typeof username !== 'string' || !/^[A-Za-z0-9._-]+$/.test(username)) throw bad(`users[${i}].username is missing or odd`);
    users.set(username, {
      username,
      password: typeof raw.password === 'string' ? raw.password : username,
      name: typeof raw.name === 'string' ? raw.name : username,
      email: typeof raw.email === 'string' ? raw.email : `${username}@example.org`,
      groups: strings(raw.groups, `users[${i}].groups`),
    });
  }
  const clients: DevClient[] = [];
  for (const [i, raw] of ((doc.clients as Record<string, unknown>[] | undefined) ?? []).entries()) {
    if (typeof raw.client_id !== 'string') throw bad(`clients[${i}].client_id is missing`);
    const redirects = strings(raw.redirect_uris, `clients[${i}].redirect_uris`);
    if (redirects.length === 0) throw bad(`clients[${i}].redirect_uris is empty`);
    clients.push({
      client_id: raw.client_id,
      client_secret: typeof raw.client_secret === 'string' ? raw.client_secret : undefined,
      redirect_uris: redirects,
      post_logout_redirect_uris: strings(raw.post_logout_redirect_uris, `clients[${i}].post_logout_redirect_uris`),
    });
  }
  return { users: [...users.values()], clients };
}
