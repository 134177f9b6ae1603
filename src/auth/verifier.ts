/**
 * Verifies a caller's access token against one trusted OIDC issuer, both ways Helmholtz AAI hands
 * tokens out: a JWT access token (`typ: at+jwt`) through discovery + JWKS, or an opaque token through
 * the issuer's userinfo endpoint, remembered for a short while under a digest of the token.
 *
 * JWT checks, in an order that gives each refusal its own code without ever trusting an unverified
 * claim for more than choosing the error: shape → algorithm allow-list (asymmetric only: never
 * `none`, never HMAC, so a token "signed" with the IdP's public key as an HMAC secret is refused
 * before any key is touched) → issuer → signature with the issuer's published key (an unknown `kid`
 * refetches the JWKS, so a key rotation is picked up) → expiry with a small skew → `typ` → audience
 * or client id in the allow-list.
 */
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors as jose, jwtVerify, type JWTPayload } from 'jose';
import { FedomopError, type ErrorCode } from '../errors.js';
import type { VerifiedUser } from './user.js';

export interface VerifierConfig {
  /** The trusted issuer, exactly as in its tokens and discovery document. */
  issuer: string;
  /** A JWT's `aud` must contain one of these, or (without `aud`) its `client_id`/`azp` be in clientIds. */
  audiences: string[];
  clientIds: string[];
  /** Asymmetric JWS algorithms accepted; HMAC and `none` are refused whatever this says. */
  algorithms: string[];
  clockSkewS: number;
  /** How long a userinfo answer for an opaque token is reused. */
  opaqueCacheS: number;
  /** How soon an unknown `kid` may refetch the JWKS (jose's cooldown). */
  jwksCooldownMs: number;
}

export const VERIFIER_DEFAULTS = {
  audiences: ['fedomop'],
  clientIds: ['fedomop-lab'],
  algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
  clockSkewS: 30,
  opaqueCacheS: 60,
  jwksCooldownMs: 5_000,
} as const;

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
// RFC 6750 b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAX_TOKEN_CHARS = 16 * 1024;
const OPAQUE_CACHE_MAX = 10_000;

const refuse = (code: ErrorCode, message: string) => new FedomopError(code, message);

/** The bearer token of an Authorization header; throws ERR_TOKEN_MISSING / ERR_TOKEN_INVALID. */
export function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === '') {
    throw refuse('ERR_TOKEN_MISSING', 'this service needs a bearer token: sign in and send Authorization: Bearer <token>');
  }
  const m = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!m) throw refuse('ERR_TOKEN_INVALID', 'the Authorization header is not "Bearer <token>"');
  if (m[1].length > MAX_TOKEN_CHARS || !B64TOKEN.test(m[1])) throw refuse('ERR_TOKEN_INVALID', 'the bearer token is malformed');
  return m[1];
}

export const tokenDigest = (token: string) => createHash('sha256').update(token).digest('base64url');

function isHmacOrNone(alg: unknown): boolean {
  return typeof alg !== 'string' || alg.toLowerCase() === 'none' || /^HS/i.test(alg);
}

interface Discovery {
  issuer: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
}

export class TokenVerifier {
  private discovery?: Promise<Discovery>;
  private jwks?: ReturnType<typeof createRemoteJWKSet>;
  private readonly opaque = new Map<string, { user: VerifiedUser; until: number }>();
  /**
   * JWTs already verified, by digest: a signature does not change, so the same token (a user's, until
   * it is renewed) costs a lookup and an expiry check after its first request instead of an RSA/ECDSA
   * verification. Kept no longer than opaqueCacheS, so a key the IdP withdraws stops working as soon.
   */
  private readonly verifiedJwts = new Map<string, { user: VerifiedUser; exp: number; until: number }>();

  constructor(
    readonly config: VerifierConfig,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** The verified user of an Authorization header, or a FedomopError with a 401 (503 when the IdP is unreachable). */
  async verify(authorization: string | undefined): Promise<VerifiedUser> {
    const token = bearerToken(authorization);
    return JWT_SHAPE.test(token) ? this.verifyJwt(token) : this.verifyOpaque(token);
  }

  private async verifyJwt(token: string): Promise<VerifiedUser> {
    const key = tokenDigest(token);
    const now = Date.now();
    const hit = this.verifiedJwts.get(key);
    if (hit && hit.until > now) {
      if (hit.exp * 1000 + this.config.clockSkewS * 1000 <= now) {
        throw refuse('ERR_TOKEN_EXPIRED', 'the access token has expired: refresh it or sign in again');
      }
      return hit.user;
    }
    if (hit) this.verifiedJwts.delete(key);
    const { user, exp } = await this.verifyJwtFully(token);
    if (this.verifiedJwts.size >= OPAQUE_CACHE_MAX) this.verifiedJwts.delete(this.verifiedJwts.keys().next().value!);
    this.verifiedJwts.set(key, { user, exp, until: now + this.config.opaqueCacheS * 1000 });
    return user;
  }

  private async verifyJwtFully(token: string): Promise<{ user: VerifiedUser; exp: number }> {
    let header;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      throw refuse('ERR_TOKEN_INVALID', 'the bearer token is not a well-formed JWT');
    }
    if (isHmacOrNone(header.alg) || !this.config.algorithms.includes(header.alg!)) {
      throw refuse('ERR_TOKEN_ALGORITHM', `JWT algorithm ${JSON.stringify(header.alg)} is not accepted here`);
    }
    if (claims.iss !== this.config.issuer) {
      throw refuse('ERR_TOKEN_ISSUER', `the token was issued by ${JSON.stringify(claims.iss)}, not by ${this.config.issuer}`);
    }
    const { jwks } = await this.keys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: this.config.issuer,
        algorithms: this.config.algorithms.filter((a) => !isHmacOrNone(a)),
        clockTolerance: this.config.clockSkewS,
        typ: 'at+jwt',
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (err) {
      throw this.mapJoseError(err);
    }
    this.checkAudience(payload);
    return { user: userFrom(payload, this.config.issuer), exp: payload.exp! };
  }

  private checkAudience(payload: JWTPayload): void {
    const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const client = (payload.client_id ?? payload.azp) as string | undefined;
    const accepted = [...this.config.audiences, ...this.config.clientIds];
    const ok =
      aud.length > 0 ? aud.some((a) => accepted.includes(a)) : client !== undefined && this.config.clientIds.includes(client);
    if (!ok) {
      throw refuse(
        'ERR_TOKEN_AUDIENCE',
        `the token is for ${aud.length ? `audience ${JSON.stringify(aud)}` : `client ${JSON.stringify(client ?? null)}`}, ` +
          `not for ${accepted.join(' / ')}`,
      );
    }
  }

  private mapJoseError(err: unknown): FedomopError {
    if (err instanceof FedomopError) return err;
    if (err instanceof jose.JWTExpired)
      return refuse('ERR_TOKEN_EXPIRED', 'the access token has expired: refresh it or sign in again');
    if (err instanceof jose.JWSSignatureVerificationFailed || err instanceof jose.JWKSNoMatchingKey) {
      return refuse('ERR_TOKEN_SIGNATURE', "the token's signature does not verify with the issuer's published keys");
    }
    if (err instanceof jose.JOSEAlgNotAllowed) return refuse('ERR_TOKEN_ALGORITHM', 'the JWT algorithm is not accepted here');
    if (err instanceof jose.JWTClaimValidationFailed) {
      if (err.claim === 'iss') return refuse('ERR_TOKEN_ISSUER', 'the token was issued by another issuer');
      if (err.claim === 'typ') return refuse('ERR_TOKEN_INVALID', 'the JWT is not an access token (typ must be at+jwt)');
      return refuse('ERR_TOKEN_INVALID', `the token's "${err.claim}" claim is not acceptable: ${err.message}`);
    }
    if (err instanceof jose.JWKSTimeout || err instanceof jose.JWKSInvalid || !(err instanceof jose.JOSEError)) {
      return new FedomopError('ERR_AUTH_UNAVAILABLE', `cannot fetch the identity provider's keys: ${(err as Error).message}`);
    }
    return refuse('ERR_TOKEN_INVALID', `the token does not verify: ${err.message}`);
  }

  private async verifyOpaque(token: string): Promise<VerifiedUser> {
    const key = tokenDigest(token);
    const now = Date.now();
    const hit = this.opaque.get(key);
    if (hit && hit.until > now) return hit.user;
    if (hit) this.opaque.delete(key);
    const { userinfo } = await this.keys();
    if (!userinfo) throw refuse('ERR_TOKEN_INVALID', 'opaque tokens cannot be verified: the issuer has no userinfo endpoint');
    let res: Response;
    try {
      res = await this.fetchImpl(userinfo, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    } catch (err) {
      throw new FedomopError('ERR_AUTH_UNAVAILABLE', `cannot reach the identity provider's userinfo: ${(err as Error).message}`);
    }
    if (res.status === 401 || res.status === 403) {
      const why = /error_description="([^"]*)"/.exec(res.headers.get('www-authenticate') ?? '')?.[1] ?? 'unknown token';
      throw refuse(
        /expired/i.test(why) ? 'ERR_TOKEN_EXPIRED' : 'ERR_TOKEN_INVALID',
        `the identity provider refused the token: ${why}`,
      );
    }
    if (!res.ok) throw new FedomopError('ERR_AUTH_UNAVAILABLE', `the identity provider's userinfo answered HTTP ${res.status}`);
    const claims = (await res.json()) as JWTPayload;
    if (typeof claims.sub !== 'string') throw refuse('ERR_TOKEN_INVALID', 'userinfo gave no subject for the token');
    const user = userFrom(claims, this.config.issuer);
    if (this.opaque.size >= OPAQUE_CACHE_MAX) this.opaque.delete(this.opaque.keys().next().value!);
    this.opaque.set(key, { user, until: now + this.config.opaqueCacheS * 1000 });
    return user;
  }

  /** Discovery once (retried after a failure), then jose's remote JWKS set, which refetches on an unknown kid. */
  private async keys(): Promise<{ jwks: ReturnType<typeof createRemoteJWKSet>; userinfo?: string }> {
    this.discovery ??= this.discover().catch((err) => {
      this.discovery = undefined;
      throw err;
    });
    const d = await this.discovery;
    this.jwks ??= createRemoteJWKSet(new URL(d.jwks_uri), {
      cooldownDuration: this.config.jwksCooldownMs,
      cacheMaxAge: 10 * 60_000,
    });
    return { jwks: this.jwks, userinfo: d.userinfo_endpoint };
  }

  private async discover(): Promise<Discovery> {
    const url = `${this.config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let d: Discovery;
    try {
      const res = await this.fetchImpl(url, { headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      d = (await res.json()) as Discovery;
    } catch (err) {
      throw new FedomopError(
        'ERR_AUTH_UNAVAILABLE',
        `cannot read the identity provider's discovery document ${url}: ${(err as Error).message}`,
      );
    }
    // OIDC Discovery §4.3: the document must name the issuer it was fetched for.
    if (d.issuer !== this.config.issuer || typeof d.jwks_uri !== 'string') {
      throw new FedomopError(
        'ERR_AUTH_UNAVAILABLE',
        `discovery at ${url} names issuer ${JSON.stringify(d.issuer)}, not ${this.config.issuer}`,
      );
    }
    return d;
  }
}

function userFrom(claims: JWTPayload, issuer: string): VerifiedUser {
  const entitlements = claims.eduperson_entitlement;
  const groups = Array.isArray(entitlements)
    ? entitlements.filter((g): g is string => typeof g === 'string')
    : typeof entitlements === 'string'
      ? [entitlements]
      : [];
  const user: VerifiedUser = { subject: String(claims.sub), issuer, groups };
  if (typeof claims.preferred_username === 'string') user.username = claims.preferred_username;
  return user;
}
