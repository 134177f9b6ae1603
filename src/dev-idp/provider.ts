/**
 * The oidc-provider configuration that makes the dev IdP behave like Helmholtz AAI for fedomop:
 * authorization code + PKCE S256 for public clients, `eduperson_entitlement` in userinfo, ID tokens
 * and JWT access tokens, opaque access tokens unless JWT is asked for (by flag, or per request with
 * `Accept: application/at+jwt` at the token endpoint, as Helmholtz AAI does), refresh tokens for
 * `offline_access`, consent granted silently for the clients it knows.
 */
import { randomBytes } from 'node:crypto';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { JWK } from 'jose';
import type { DevClient, DevUser } from './users.js';
import type { SigningAlg } from './keys.js';

export const LAB_CLIENT_ID = 'fedomop-lab';
/** The resource indicator JWT access tokens are issued for; their `aud` is DEFAULT_AUDIENCE. */
export const FEDOMOP_RESOURCE = 'urn:fedomop:services';
export const DEFAULT_AUDIENCE = 'fedomop';
export const SCOPES = ['openid', 'profile', 'email', 'eduperson_entitlement', 'offline_access'];
/** The paths a loopback client may redirect to, on any loopback port: the lab's callback page, a JupyterHub's. */
export const LOOPBACK_CALLBACK_PATHS = ['/fedomop/auth/callback', '/hub/oauth_callback'];

export interface ProviderOptions {
  issuer: string;
  users: DevUser[];
  /** Extra clients; fedomop-lab is always there. */
  clients: DevClient[];
  /** Extra public loopback clients that behave like fedomop-lab. */
  loopbackClientIds: string[];
  /** Extra exact redirect URIs for every public loopback client. */
  extraRedirectUris: string[];
  accessTokenFormat: 'opaque' | 'jwt';
  audience: string;
  keys: JWK[];
  jwtAlg: SigningAlg;
  accessTokenTtl: number;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackOrigin(origin: string | undefined): boolean {
  if (!origin) return false;
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname);
  } catch {
    return false;
  }
}

/** Any loopback origin with one of the fixed callback paths (no query, no fragment). */
export function isLoopbackCallback(uri: string): boolean {
  try {
    const u = new URL(uri);
    return isLoopbackOrigin(u.origin) && LOOPBACK_CALLBACK_PATHS.includes(u.pathname) && !u.search && !u.hash;
  } catch {
    return false;
  }
}

function publicLoopbackClient(clientId: string, extra: string[]) {
  const redirects = ['127.0.0.1', 'localhost'].flatMap((h) => LOOPBACK_CALLBACK_PATHS.map((p) => `http://${h}${p}`));
  return {
    client_id: clientId,
    client_name: clientId,
    application_type: 'web' as const,
    token_endpoint_auth_method: 'none' as const,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code' as const],
    redirect_uris: [...redirects, ...extra],
    post_logout_redirect_uris: redirects,
  };
}

export function createProvider(opts: ProviderOptions): Provider {
  const users = new Map(opts.users.map((u) => [u.username, u]));
  const loopbackIds = new Set([LAB_CLIENT_ID, ...opts.loopbackClientIds]);
  const clients = [
    ...[...loopbackIds].map((id) => publicLoopbackClient(id, opts.extraRedirectUris)),
    // The hook for a JupyterHub (GenericOAuthenticator) or any other client: from the users file.
    ...opts.clients.map((c) => ({
      client_id: c.client_id,
      application_type: 'web' as const,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code' as const],
      redirect_uris: c.redirect_uris,
      post_logout_redirect_uris: c.post_logout_redirect_uris ?? [],
      ...(c.client_secret
        ? { client_secret: c.client_secret, token_endpoint_auth_method: 'client_secret_basic' as const }
        : { token_endpoint_auth_method: 'none' as const }),
    })),
  ];
  const wantsJwt = (ctx: KoaContextWithOIDC) =>
    opts.accessTokenFormat === 'jwt' || (ctx.get('accept') ?? '').includes('application/at+jwt');

  const configuration: Configuration = {
    clients,
    jwks: { keys: opts.keys as never },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: SCOPES,
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      eduperson_entitlement: ['eduperson_entitlement'],
    },
    // Put the scope's claims into the ID token too, so a browser can read groups without userinfo
    // (userinfo does not accept a JWT access token, which has an audience).
    conformIdTokenClaims: false,
    pkce: { methods: ['S256'], required: (_ctx, client) => client.clientAuthMethod === 'none' },
    ttl: {
      AccessToken: opts.accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Grant: 24 * 3600,
      Session: 24 * 3600,
      Interaction: 3600,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Sign-out from the lab needs no second click here.
        logoutSource: async (ctx, form) => {
          ctx.body =
            `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Signing out</title></head><body>` +
            `${form}<input type="hidden" form="op.logoutForm" name="logout" value="yes">` +
            `<noscript><button type="submit" form="op.logoutForm">Sign out</button></noscript>` +
            `<script>document.forms[0].submit()</script></body></html>`;
        },
      },
      resourceIndicators: {
        enabled: true,
        // Every authorization is also granted for the fedomop services; whether the token endpoint
        // then issues a JWT for them (rather than an opaque userinfo token) is decided per request.
        defaultResource: async (_ctx, _client, oneOf) => (oneOf?.length ? oneOf[0] : FEDOMOP_RESOURCE),
        useGrantedResource: async (ctx) => wantsJwt(ctx),
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource !== FEDOMOP_RESOURCE) throw new errors.InvalidTarget();
          return {
            scope: 'openid profile email eduperson_entitlement',
            audience: opts.audience,
            accessTokenTTL: opts.accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: opts.jwtAlg } },
          };
        },
      },
    },
    // The claims a site needs without calling userinfo (as Helmholtz AAI's claims_in_tokens=token).
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind !== 'AccessToken') return undefined;
      const user = users.get(token.accountId ?? '');
      if (!user) return undefined;
      const scopes = String(token.scope ?? '').split(' ');
      return {
        preferred_username: user.username,
        ...(scopes.includes('eduperson_entitlement') ? { eduperson_entitlement: user.groups } : {}),
      };
    },
    findAccount: (_ctx, sub) => {
      const user = users.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          name: user.name,
          preferred_username: user.username,
          email: user.email,
          email_verified: true,
          eduperson_entitlement: user.groups,
        }),
      };
    },
    // No consent screen for the clients configured here: grant what they asked for.
    loadExistingGrant: async (ctx) => {
      const { oidc } = ctx;
      if (!oidc.client || !oidc.session?.accountId) return undefined;
      const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
      const found = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      const grant = found ?? new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      if (oidc.params?.scope) grant.addOIDCScope(String(oidc.params.scope));
      if (oidc.requestParamClaims?.size) grant.addOIDCClaims([...oidc.requestParamClaims]);
      for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
        if (server.scope) grant.addResourceScope(indicator, server.scope);
      }
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    clientBasedCORS: (_ctx, origin) => isLoopbackOrigin(origin),
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Error</title></head><body><h1>${escapeHtml(
        String(out.error),
      )}</h1><p>${escapeHtml(String(out.error_description ?? ''))}</p></body></html>`;
    },
  };

  const provider = new Provider(opts.issuer, configuration);
  // oidc-provider drops offline_access unless the request says prompt=consent (OIDC Core 11). Helmholtz
  // AAI grants it without, and our consent is silent anyway: supply the prompt for the client.
  provider.use(async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/auth' && ctx.query.prompt === undefined) {
      const scope = typeof ctx.query.scope === 'string' ? ctx.query.scope.split(' ') : [];
      if (scope.includes('offline_access')) ctx.query = { ...ctx.query, prompt: 'consent' };
    }
    await next();
  });
  // A lab or JupyterHub on loopback may listen on any port: accept every loopback origin for the
  // fixed callback paths (RFC 8252 §7.3 allows this for native apps; here it is the browser on loopback).
  const client = provider.Client.prototype as unknown as {
    clientId: string;
    redirectUriAllowed(uri: string): boolean;
    postLogoutRedirectUriAllowed(uri: string): boolean;
  };
  const redirectAllowed = client.redirectUriAllowed;
  const logoutAllowed = client.postLogoutRedirectUriAllowed;
  client.redirectUriAllowed = function (this: typeof client, uri: string) {
    return redirectAllowed.call(this, uri) || (loopbackIds.has(this.clientId) && isLoopbackCallback(uri));
  };
  client.postLogoutRedirectUriAllowed = function (this: typeof client, uri: string) {
    return logoutAllowed.call(this, uri) || (loopbackIds.has(this.clientId) && isLoopbackOrigin(safeOrigin(uri)));
  };
  return provider;
}

function safeOrigin(uri: string): string | undefined {
  try {
    return new URL(uri).origin;
  } catch {
    return undefined;
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
