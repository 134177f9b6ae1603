/**
 * Starts the dev identity provider on loopback: an http server whose `/interaction/*` paths are the
 * sign-in form and everything else is oidc-provider. The issuer is the server's own loopback URL,
 * known only once the port is bound (port 0 picks a free one).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { generateSigningKeys, type SigningAlg } from './keys.js';
import { handleInteraction } from './login-page.js';
import { createProvider, DEFAULT_AUDIENCE } from './provider.js';
import { DEMO_USERS, type DevClient, type DevUser } from './users.js';

export interface DevIdpOptions {
  host?: string;
  port?: number;
  users?: DevUser[];
  clients?: DevClient[];
  loopbackClientIds?: string[];
  extraRedirectUris?: string[];
  accessTokenFormat?: 'opaque' | 'jwt';
  audience?: string;
  keys?: JWK[];
  jwtAlg?: SigningAlg;
  /** Access-token lifetime in seconds (default 3600). */
  accessTokenTtl?: number;
}

export interface DevIdp {
  issuer: string;
  users: DevUser[];
  close(): Promise<void>;
}

export async function startDevIdp(options: DevIdpOptions = {}): Promise<DevIdp> {
  const host = options.host ?? '127.0.0.1';
  const users = options.users ?? [...DEMO_USERS];
  const byName = new Map(users.map((u) => [u.username, u]));
  // The provider needs the issuer, which needs the bound port: requests wait for it in `ready`.
  const ready: { handler?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const server: Server = createServer((req, res) => {
    if (!ready.handler) {
      res.writeHead(503).end();
      return;
    }
    ready.handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const provider = createProvider({
    issuer,
    users,
    clients: options.clients ?? [],
    loopbackClientIds: options.loopbackClientIds ?? [],
    extraRedirectUris: options.extraRedirectUris ?? [],
    accessTokenFormat: options.accessTokenFormat ?? 'opaque',
    audience: options.audience ?? DEFAULT_AUDIENCE,
    keys: options.keys ?? (await generateSigningKeys()),
    jwtAlg: options.jwtAlg ?? 'RS256',
    accessTokenTtl: options.accessTokenTtl ?? 3600,
  });
  const callback = provider.callback();
  ready.handler = (req, res) => {
    handleInteraction(provider, byName, req, res).then(
      (handled) => {
        if (!handled) callback(req, res);
      },
      (err) => {
        process.stderr.write(`fedomop dev-idp: interaction failed: ${(err as Error).stack ?? err}\n`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('sign-in failed');
      },
    );
  };
  return {
    issuer,
    users,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
