/**
 * `fedomop dev-token <user> --idp URL`: signs in at the dev IdP without a browser and prints the
 * access token on stdout (nothing else there, so `TOKEN=$(fedomop dev-token alice --idp ...)` works).
 */
import { parseArgs } from 'node:util';
import { FedomopError } from '../errors.js';
import { DEFAULT_DEV_SCOPE, devToken } from '../dev-idp/index.js';

export const DEV_TOKEN_USAGE = `usage: fedomop dev-token <user> --idp URL [--password P] [--scope "${DEFAULT_DEV_SCOPE}"]
                        [--client-id fedomop-lab] [--redirect-uri URI] [--jwt] [--json]
  Runs the authorization code flow with PKCE against the dev IdP and prints the access token.
  --jwt   ask for a JWT access token (Accept: application/at+jwt)
  --json  print the whole token response (access, ID and refresh tokens) as JSON instead`;

export async function devTokenCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        idp: { type: 'string', default: process.env.FEDOMOP_IDP },
        password: { type: 'string' },
        scope: { type: 'string' },
        'client-id': { type: 'string' },
        'redirect-uri': { type: 'string' },
        jwt: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`fedomop dev-token: ${(err as Error).message}\n${DEV_TOKEN_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(DEV_TOKEN_USAGE + '\n');
    return 0;
  }
  if (positionals.length !== 1 || !values.idp) {
    process.stderr.write(`${DEV_TOKEN_USAGE}\n`);
    return 2;
  }
  try {
    const tokens = await devToken({
      idp: values.idp,
      user: positionals[0],
      password: values.password,
      scope: values.scope,
      clientId: values['client-id'],
      redirectUri: values['redirect-uri'],
      jwt: values.jwt,
    });
    process.stdout.write((values.json ? JSON.stringify(tokens) : tokens.access_token) + '\n');
    return 0;
  } catch (err) {
    const why = err instanceof FedomopError ? err.message : `cannot reach ${values.idp}: ${(err as Error).message}`;
    process.stderr.write(`fedomop dev-token: ${why}\n`);
    return 1;
  }
}
