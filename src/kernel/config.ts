/**
 * Where a notebook's connect() finds its hub and token, in order: the options, the environment
 * (FEDOMOP_HUB_URL, FEDOMOP_TOKEN), then a JSON config file ($FEDOMOP_CONFIG, else
 * ~/.fedomop/config.json: {"hub": "...", "token"?: "..."}). A token has one more place, between the
 * environment and the config file: the file JupyterLab's sign-in keeps current ($FEDOMOP_TOKEN_FILE,
 * else ~/.fedomop/token, written by the server extension), ignored once its recorded expiry has passed.
 * node: modules are fine here: this folder runs in Deno (which provides them) or Node, never in the browser.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { FedomopError } from '../errors.js';

export interface ConnectOptions {
  hub?: string;
  token?: string;
}

export interface FileConfig {
  hub?: string;
  token?: string;
}

export interface ResolvedConnection {
  hub: string;
  /** Where the hub URL came from, for messages. */
  hubSource: 'options' | 'FEDOMOP_HUB_URL' | string;
  /** Asked before every request, so a token refreshed in the environment or config file is picked up. */
  token: () => Promise<string | undefined>;
}

export function configPath(): string {
  return process.env.FEDOMOP_CONFIG || join(homedir(), '.fedomop', 'config.json');
}

/** The config file, or undefined when it does not exist; an explicitly named file must exist. */
export async function readFileConfig(path = configPath()): Promise<FileConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ENOENT' && !process.env.FEDOMOP_CONFIG) return undefined;
    throw new FedomopError('ERR_CONFIG_INVALID', `cannot read fedomop config ${path}`, { path }, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new FedomopError('ERR_CONFIG_INVALID', `fedomop config ${path} is not valid JSON`, { path }, { cause });
  }
  const { hub, token } = (parsed ?? {}) as Record<string, unknown>;
  if ((hub !== undefined && typeof hub !== 'string') || (token !== undefined && typeof token !== 'string')) {
    throw new FedomopError('ERR_CONFIG_INVALID', `fedomop config ${path}: "hub" and "token" must be strings`, { path });
  }
  return { hub, token };
}

export function tokenFilePath(): string {
  return process.env.FEDOMOP_TOKEN_FILE || join(homedir(), '.fedomop', 'token');
}

/** The token JupyterLab's sign-in handed to this user's kernels, unless missing, unreadable or expired. */
export async function readTokenFile(path = tokenFilePath(), now = Date.now()): Promise<string | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
  const { token, expiresAt } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof token !== 'string' || token === '') return undefined;
  if (typeof expiresAt === 'number' && expiresAt * 1000 <= now) return undefined;
  return token;
}

export async function resolveConnection(opts: ConnectOptions = {}): Promise<ResolvedConnection> {
  const path = configPath();
  const file = await readFileConfig(path);
  let hub: string | undefined;
  let hubSource: string;
  if (opts.hub) [hub, hubSource] = [opts.hub, 'options'];
  else if (process.env.FEDOMOP_HUB_URL) [hub, hubSource] = [process.env.FEDOMOP_HUB_URL, 'FEDOMOP_HUB_URL'];
  else [hub, hubSource] = [file?.hub, path];
  if (!hub) {
    throw new FedomopError(
      'ERR_CONFIG_INVALID',
      'no fedomop hub configured. Give one of: connect({ hub: "https://..." }); ' +
        'the environment variable FEDOMOP_HUB_URL; ' +
        `or a config file ${path} containing {"hub": "https://...", "token": "..."} ` +
        '(set FEDOMOP_CONFIG to use another file).',
    );
  }
  try {
    new URL(hub);
  } catch (cause) {
    throw new FedomopError('ERR_CONFIG_INVALID', `hub URL "${hub}" (from ${hubSource}) is not a URL`, {}, { cause });
  }
  const token = async () => {
    if (opts.token) return opts.token;
    if (process.env.FEDOMOP_TOKEN) return process.env.FEDOMOP_TOKEN;
    return (await readTokenFile()) ?? (await readFileConfig(path).catch(() => undefined))?.token;
  };
  return { hub, hubSource, token };
}
