/**
 * Authentication as the services' HTTP layer uses it: verify the caller's token (or, under
 * --dev-insecure, only tell callers apart), remember the user on the request, and answer refusals
 * with RFC 6750's WWW-Authenticate header beside the usual `{"error": {...}}` body.
 */
import { FedomopError } from '../errors.js';
import { bearerToken, type TokenVerifier } from './verifier.js';
import { setInsecureCaller, setRequestUser, type VerifiedUser } from './user.js';

/** What the header says for a FedomopError, if anything (401s and the IdP being away). */
export function wwwAuthenticate(err: FedomopError): string | undefined {
  if (err.status !== 401) return undefined;
  // RFC 6750 §3.1: no error code when the request had no credentials at all.
  if (err.code === 'ERR_TOKEN_MISSING') return 'Bearer realm="fedomop"';
  const description = err.message.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
  return `Bearer realm="fedomop", error="invalid_token", error_description="${description}"`;
}

export interface RequestHeaders {
  headers: { authorization?: string };
}

/**
 * Verifies the request's bearer token and remembers the user on the request (see user.ts); with no
 * verifier (--dev-insecure) only records which caller it was. Throws the 401/503 FedomopError with
 * `wwwAuthenticate` ready for the reply.
 */
export async function authenticate(
  req: RequestHeaders & object,
  verifier: TokenVerifier | undefined,
): Promise<VerifiedUser | undefined> {
  if (!verifier) {
    setInsecureCaller(req, req.headers.authorization);
    return undefined;
  }
  const user = await verifier.verify(req.headers.authorization);
  setRequestUser(req, user);
  return user;
}

/** The raw bearer token of a request already authenticated (for the envelope's token digest). */
export function tokenOf(req: RequestHeaders): string {
  return bearerToken(req.headers.authorization);
}

/** Adds WWW-Authenticate to a reply for an authentication refusal; returns the error for rethrowing. */
export function withChallenge(err: unknown, reply: { header(name: string, value: string): unknown }): unknown {
  if (err instanceof FedomopError) {
    const challenge = wwwAuthenticate(err);
    if (challenge) reply.header('www-authenticate', challenge);
  }
  return err;
}
