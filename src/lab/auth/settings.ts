/**
 * Which identity provider the lab signs in with: the server's configuration (c.Fedomop.idp_*, set by
 * an admin) wins; otherwise the user's settings, where a preset names Helmholtz AAI's production or
 * development issuer. Pure, so the spec pins every case.
 */
import type { IIdentityProviderConfig } from '../tokens.js';

export const DEFAULT_SCOPES = ['openid', 'profile', 'email', 'eduperson_entitlement'];

export type PresetName = 'custom' | 'helmholtz' | 'helmholtz-dev';

/**
 * Helmholtz AAI (Unity IdM): opaque access tokens unless the token request accepts
 * application/at+jwt; group claims reach the token only with claims_in_tokens=token on the
 * authorization request. Both asked for, so a site can verify the token without a userinfo call.
 */
export const PRESETS: Record<Exclude<PresetName, 'custom'>, Omit<IIdentityProviderConfig, 'clientId'>> = {
  helmholtz: {
    issuer: 'https://login.helmholtz.de/oauth2',
    scopes: DEFAULT_SCOPES,
    extraParameters: { claims_in_tokens: 'token' },
    jwtAccessToken: true,
  },
  'helmholtz-dev': {
    issuer: 'https://login-dev.helmholtz.de/oauth2',
    scopes: DEFAULT_SCOPES,
    extraParameters: { claims_in_tokens: 'token' },
    jwtAccessToken: true,
  },
};

/** The `identityProvider` object of schema/plugin.json. */
export interface IUserIdpSettings {
  preset?: PresetName;
  issuer?: string;
  clientId?: string;
  scopes?: string[];
  extraParameters?: Record<string, string>;
  jwtAccessToken?: boolean;
}

/** What sign-in runs with; `source` says where it came from, for messages. */
export interface IResolvedIdp extends Required<IIdentityProviderConfig> {
  source: 'server' | 'settings';
}

/**
 * The provider to sign in with, or null when none is configured (the lab then runs without tokens,
 * as against a `--dev-insecure` hub). A server issuer makes the server's whole block win, so an admin's
 * choice cannot be half-overridden by a user.
 */
export function resolveIdp(server: IIdentityProviderConfig | null | undefined, user: IUserIdpSettings = {}): IResolvedIdp | null {
  if (server?.issuer) {
    if (!server.clientId) return null;
    return {
      issuer: stripSlash(server.issuer),
      clientId: server.clientId,
      scopes: nonEmpty(server.scopes) ?? DEFAULT_SCOPES,
      extraParameters: { ...(server.extraParameters ?? {}) },
      jwtAccessToken: server.jwtAccessToken ?? false,
      source: 'server',
    };
  }
  const preset = user.preset && user.preset !== 'custom' ? PRESETS[user.preset] : undefined;
  const issuer = (preset?.issuer ?? user.issuer ?? '').trim();
  // The settings' default is '' (schema/plugin.json): empty means "not given", so the server's may apply.
  const clientId = (user.clientId?.trim() || server?.clientId || '').trim();
  if (!issuer || !clientId) return null;
  return {
    issuer: stripSlash(issuer),
    clientId,
    scopes: nonEmpty(user.scopes) ?? preset?.scopes ?? DEFAULT_SCOPES,
    extraParameters: { ...(preset?.extraParameters ?? {}), ...(user.extraParameters ?? {}) },
    jwtAccessToken: user.jwtAccessToken ?? preset?.jwtAccessToken ?? false,
    source: 'settings',
  };
}

/** The callback page the server extension serves on the lab's own origin (fedomop/server_auth.py). */
export function callbackUrl(origin: string, baseUrl: string): string {
  const base = new URL(baseUrl, origin);
  const path = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return `${base.origin}${path}fedomop/auth/callback`;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function nonEmpty(scopes: string[] | undefined): string[] | undefined {
  const clean = (scopes ?? []).map((s) => s.trim()).filter(Boolean);
  return clean.length > 0 ? clean : undefined;
}
