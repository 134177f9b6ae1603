/**
 * `fedomop dev-idp`: the development OIDC provider on loopback, until SIGINT/SIGTERM.
 * Exit codes: 0 clean stop, 2 bad options, 1 cannot listen.
 */
import { parseArgs } from 'node:util';
import { FedomopError } from '../errors.js';
import {
  DEFAULT_AUDIENCE,
  DEMO_USERS,
  LAB_CLIENT_ID,
  loadUsersFile,
  readKeyFile,
  startDevIdp,
  type DevIdpOptions,
} from '../dev-idp/index.js';
import { untilSignal } from './signals.js';

export const DEV_IDP_USAGE = `usage: fedomop dev-idp [--port 8090] [--host 127.0.0.1] [--users FILE]
                      [--access-token-format opaque|jwt] [--jwt-alg RS256|ES256] [--audience fedomop]
                      [--access-token-ttl SECONDS] [--keys FILE] [--client-id ID]... [--redirect-uri URI]...

A development OpenID Connect provider standing in for Helmholtz AAI (never for real users).
  --port                 default 8090 (0 picks a free port); the issuer is http://<host>:<port>
  --host                 loopback only: 127.0.0.1 (default), localhost or ::1
  --users FILE           TOML: [[users]] username/password/groups, [[clients]] (see docs/auth.md)
  --access-token-format  opaque (default; verify at userinfo) or jwt (typ at+jwt, aud = --audience).
                         A token request with "Accept: application/at+jwt" always gets a JWT.
  --keys FILE            a private JWKS to sign with (default: fresh RS256 + ES256 keys per start)
  --client-id ID         another public PKCE client like ${LAB_CLIENT_ID} (any loopback port)
  --redirect-uri URI     another exact redirect URI for the public clients`;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function prepare(argv: string[]): DevIdpOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8090' },
      host: { type: 'string', default: '127.0.0.1' },
      users: { type: 'string' },
      'access-token-format': { type: 'string', default: 'opaque' },
      'jwt-alg': { type: 'string', default: 'RS256' },
      audience: { type: 'string', default: DEFAULT_AUDIENCE },
      'access-token-ttl': { type: 'string', default: '3600' },
      keys: { type: 'string' },
      'client-id': { type: 'string', multiple: true, default: [] },
      'redirect-uri': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const bad = (m: string) => new FedomopError('ERR_CONFIG_INVALID', m);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw bad(`--port must be a port number, not ${values.port}`);
  if (!LOOPBACK.has(values.host!)) throw bad(`the dev IdP binds to loopback only; refusing host ${values.host}`);
  const format = values['access-token-format'];
  if (format !== 'opaque' && format !== 'jwt') throw bad('--access-token-format is opaque or jwt');
  const alg = values['jwt-alg'];
  if (alg !== 'RS256' && alg !== 'ES256') throw bad('--jwt-alg is RS256 or ES256');
  const ttl = Number(values['access-token-ttl']);
  if (!Number.isInteger(ttl) || ttl < 1) throw bad('--access-token-ttl is a whole number of seconds');
  const file = values.users ? loadUsersFile(values.users) : undefined;
  return {
    host: values.host,
    port,
    users: file?.users ?? [...DEMO_USERS],
    clients: file?.clients ?? [],
    loopbackClientIds: values['client-id'],
    extraRedirectUris: values['redirect-uri'],
    accessTokenFormat: format,
    jwtAlg: alg,
    audience: values.audience,
    accessTokenTtl: ttl,
    keys: values.keys ? readKeyFile(values.keys) : undefined,
  };
}

export async function devIdpCommand(argv: string[]): Promise<number> {
  let options: DevIdpOptions | 'help';
  try {
    options = prepare(argv);
  } catch (err) {
    if (!(err instanceof FedomopError) && !(err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw err;
    process.stderr.write(`fedomop dev-idp: ${(err as Error).message}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(DEV_IDP_USAGE + '\n');
    return 0;
  }
  let idp;
  try {
    idp = await startDevIdp(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'address already in use' : (err as Error).message;
    process.stderr.write(`fedomop dev-idp: cannot listen on ${options.host}:${options.port}: ${why}\n`);
    return 1;
  }
  process.stderr.write(
    '\n  fedomop dev-idp: a DEVELOPMENT identity provider (stands in for Helmholtz AAI). Never for real users.\n' +
      `  Users: ${idp.users.map((u) => `${u.username}`).join(', ')} (demo passwords = user name)\n\n`,
  );
  process.stdout.write(
    `fedomop dev-idp listening on ${idp.issuer} (issuer ${idp.issuer}, access tokens ${options.accessTokenFormat})\n`,
  );
  await untilSignal();
  await idp.close();
  return 0;
}
