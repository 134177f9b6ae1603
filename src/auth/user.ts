/**
 * The verified caller as every handler sees it, and the one string other parts key per-user state
 * by (release history, quotas, query ownership). Kept per request in a WeakMap, so no framework
 * type augmentation is needed and a request that was not verified simply has no user.
 */
import { createHash } from 'node:crypto';

export interface VerifiedUser {
  /** The IdP's `sub`. */
  subject: string;
  issuer: string;
  /** `preferred_username`, when the IdP gives one (for people, not for keys). */
  username?: string;
  /** `eduperson_entitlement` values as issued (AARC-G002 strings; parse with parseEntitlements). */
  groups: string[];
}

const users = new WeakMap<object, VerifiedUser>();
/** Under --dev-insecure: who the caller claims to be is unverified; only their header tells callers apart. */
const insecureKeys = new WeakMap<object, string>();

export function setRequestUser(request: object, user: VerifiedUser): void {
  users.set(request, user);
}

export function requestUser(request: object): VerifiedUser | undefined {
  return users.get(request);
}

export function setInsecureCaller(request: object, authorization: string | undefined): void {
  insecureKeys.set(
    request,
    authorization ? `insecure:${createHash('sha256').update(authorization).digest('hex').slice(0, 16)}` : 'insecure:anonymous',
  );
}

/** `<issuer>|<subject>` of a verified user: unique across IdPs, stable across tokens and sign-ins. */
export function userKey(user: VerifiedUser): string {
  return `${user.issuer}|${user.subject}`;
}

/**
 * The caller's key for per-user state: `<issuer>|<subject>` once verified; under --dev-insecure
 * `insecure:<digest of the Authorization header>` (or `insecure:anonymous`). Undefined for a
 * request that went through neither (a route outside the authenticated set).
 */
export function userKeyOf(request: object): string | undefined {
  const user = users.get(request);
  return user ? userKey(user) : insecureKeys.get(request);
}
