/**
 * The signed-in user as the lab shows it: name, groups (eduperson_entitlement in AARC-G002 form) and
 * the token's expiry, from oidc-client-ts's User. Pure functions, shared by the model, the status bar
 * item and their specs.
 */
import type { IAuthUser } from '../tokens.js';

/** The parts of oidc-client-ts's User read here (kept structural so specs need no real User). */
export interface ITokenUser {
  profile: Record<string, unknown> & { sub: string };
  expires_at?: number;
  refresh_token?: string;
}

export function toAuthUser(user: ITokenUser): IAuthUser {
  const p = user.profile;
  const name = [p.preferred_username, p.name, p.email, p.sub].find((v): v is string => typeof v === 'string' && v !== '');
  return {
    subject: p.sub,
    name: name ?? p.sub,
    email: typeof p.email === 'string' ? p.email : undefined,
    groups: entitlements(p.eduperson_entitlement),
    expiresAt: typeof user.expires_at === 'number' ? user.expires_at * 1000 : undefined,
    renewable: typeof user.refresh_token === 'string' && user.refresh_token !== '',
  };
}

/**
 * The payload of a JWT access token, for display only (never trusted: the sites verify the token).
 * An opaque token, or anything that does not decode, gives no claims.
 */
export function jwtClaims(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) return {};
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      Array.from(atob(base64), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''),
    );
    const payload: unknown = JSON.parse(json);
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** eduperson_entitlement as a list: the IdP may send one string or an array. */
export function entitlements(claim: unknown): string[] {
  const list = Array.isArray(claim) ? claim : typeof claim === 'string' ? [claim] : [];
  return list.filter((v): v is string => typeof v === 'string' && v !== '');
}

const GROUP_PREFIX = /^urn:[^:]+:[^:]+:group:/;

/**
 * A group as a researcher reads it: `urn:geant:helmholtz.de:group:fedomop:north#login.helmholtz.de`
 * becomes `fedomop:north` (namespace and authority dropped; a role stays, `…:role=member`).
 */
export function shortGroup(entitlement: string): string {
  const path = entitlement.split('#')[0];
  return path.replace(GROUP_PREFIX, '');
}

/** "expires in 59 min", "expires in 1 h 5 min", "expired", from ms left. */
export function describeExpiry(expiresAt: number | undefined, now: number): string {
  if (expiresAt === undefined) return 'no expiry given';
  const left = expiresAt - now;
  if (left <= 0) return 'expired';
  const minutes = Math.floor(left / 60_000);
  if (minutes < 1) return 'expires in < 1 min';
  if (minutes < 60) return `expires in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `expires in ${hours} h` : `expires in ${hours} h ${rest} min`;
}

/** The status bar's text: "alice · 3 groups · 59 min", or "Sign in". */
export function statusText(user: IAuthUser | null, now: number): string {
  if (!user) return 'Sign in';
  const groups = user.groups.length === 1 ? '1 group' : `${user.groups.length} groups`;
  const expiry = describeExpiry(user.expiresAt, now).replace(/^expires in /, '');
  return `${user.name} · ${groups} · ${expiry}`;
}

/** The status bar's tooltip: everything, one item a line. */
export function statusTitle(user: IAuthUser | null, now: number): string {
  if (!user) return 'Not signed in: click to sign in with your identity provider.';
  const lines = [`Signed in as ${user.name}${user.email && user.email !== user.name ? ` <${user.email}>` : ''}`];
  lines.push(user.groups.length ? `Groups: ${user.groups.map(shortGroup).join(', ')}` : 'Groups: none');
  const when = user.expiresAt !== undefined ? ` (${new Date(user.expiresAt).toLocaleTimeString()})` : '';
  lines.push(`Access token ${describeExpiry(user.expiresAt, now)}${when}`);
  lines.push(user.renewable ? 'Renewed automatically before it expires.' : 'Sign in again when it expires.');
  lines.push('Click to sign out.');
  return lines.join('\n');
}
