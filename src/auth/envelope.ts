/**
 * Binding a forwarded token to one site and one request. The hub forwards the caller's own token
 * (each site decides from it), so a site registered at the hub receives bearer tokens it could
 * present to every other site. Each forwarded request therefore also carries a short-lived envelope
 * JWT signed by the hub: for *this* site (`aud`), *this* request (`req`: method, path and a digest
 * of the body — the plan's exact bytes), *this* token (`ath`: a digest of the access token), with a
 * one-time `jti`. A site accepts a request only with an envelope that verifies against the hub's
 * published key (`GET /v1/keys`, or a key file) and matches all of that. A site that received
 * alice's token and envelope can replay neither at another site: the envelope names the first one.
 *
 * Why not per-site audiences through token exchange (RFC 8693)? It would be the cleaner end state
 * (then no site holds a token another site accepts) but needs the IdP to offer it; the envelope works
 * with any IdP today, and the hub's key is one more thing a site pins, not one more trust in the hub:
 * the site still verifies the user's own token and applies its own policy.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { FedomopError } from '../errors.js';

export const ENVELOPE_HEADER = 'x-fedomop-envelope';
const TYP = 'fedomop-envelope+jwt';
const ISSUER = 'fedomop-hub';
const ALG = 'ES256';
/** Long enough for a site under load to start on the request, short enough to be useless later. */
export const ENVELOPE_TTL_S = 120;

const digest = (data: string | Uint8Array) => createHash('sha256').update(data).digest('base64url');

/** What an envelope binds: `POST /v1/execute <sha256 of the body>`. */
export function requestBinding(method: string, pathAndQuery: string, body?: string | Uint8Array): string {
  return `${method.toUpperCase()} ${pathAndQuery} ${digest(body ?? '')}`;
}

export const accessTokenHash = (token: string) => digest(token);

export class EnvelopeSigner {
  private constructor(
    private readonly key: CryptoKey,
    private readonly publicJwk: JWK,
  ) {}

  /** A fresh key per start (sites then fetch /v1/keys), or a private JWK / JWKS file to keep one. */
  static async create(keyFile?: string): Promise<EnvelopeSigner> {
    if (keyFile) {
      let jwk: JWK;
      try {
        const doc = JSON.parse(readFileSync(keyFile, 'utf8'));
        jwk = doc.keys ? doc.keys[0] : doc;
      } catch (err) {
        throw new FedomopError('ERR_CONFIG_INVALID', `cannot read the envelope key ${keyFile}: ${(err as Error).message}`);
      }
      if (!jwk?.d || jwk.kty !== 'EC' || jwk.crv !== 'P-256') {
        throw new FedomopError('ERR_CONFIG_INVALID', `envelope key ${keyFile}: needs a private P-256 EC JWK (ES256)`);
      }
      const { d: _d, ...pub } = jwk;
      const kid = jwk.kid ?? digest(JSON.stringify([pub.x, pub.y])).slice(0, 16);
      return new EnvelopeSigner((await importJWK({ ...jwk, alg: ALG }, ALG)) as CryptoKey, { ...pub, kid, alg: ALG, use: 'sig' });
    }
    const { privateKey, publicKey } = await generateKeyPair(ALG);
    const pub = await exportJWK(publicKey);
    return new EnvelopeSigner(privateKey, {
      ...pub,
      kid: digest(JSON.stringify([pub.x, pub.y])).slice(0, 16),
      alg: ALG,
      use: 'sig',
    });
  }

  /** What `GET /v1/keys` serves. */
  jwks(): JSONWebKeySet {
    return { keys: [this.publicJwk] };
  }

  sign(p: { site: string; binding: string; token: string; subject?: string; queryId?: string }): Promise<string> {
    const claims: Record<string, string> = { req: p.binding, ath: accessTokenHash(p.token) };
    if (p.queryId) claims.qid = p.queryId;
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: ALG, typ: TYP, kid: this.publicJwk.kid })
      .setIssuer(ISSUER)
      .setAudience(p.site)
      .setIssuedAt()
      .setExpirationTime(`${ENVELOPE_TTL_S}s`)
      .setJti(randomUUID());
    if (p.subject) jwt.setSubject(p.subject);
    return jwt.sign(this.key);
  }
}

/** Generates a private envelope key file's content (for `--envelope-key` and tests) and its public JWKS. */
export async function newEnvelopeKey(): Promise<{ privateJwk: JWK; publicJwks: JSONWebKeySet }> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = randomUUID().slice(0, 8);
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALG, use: 'sig' },
    publicJwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' }] },
  };
}

export class EnvelopeVerifier {
  private readonly seen = new Map<string, number>();

  private constructor(private readonly keys: JWTVerifyGetKey) {}

  /** `source`: the hub's `/v1/keys` URL, or a file holding its public JWKS. */
  static from(source: string): EnvelopeVerifier {
    if (/^https?:\/\//.test(source))
      return new EnvelopeVerifier(createRemoteJWKSet(new URL(source), { cooldownDuration: 5_000 }));
    let jwks: JSONWebKeySet;
    try {
      jwks = JSON.parse(readFileSync(source, 'utf8'));
    } catch (err) {
      throw new FedomopError('ERR_CONFIG_INVALID', `cannot read the hub's keys ${source}: ${(err as Error).message}`);
    }
    if (!Array.isArray(jwks.keys) || jwks.keys.some((k) => 'd' in k)) {
      throw new FedomopError('ERR_CONFIG_INVALID', `${source}: needs the hub's public JWKS ({"keys": [...]}, no private parts)`);
    }
    return new EnvelopeVerifier(createLocalJWKSet(jwks));
  }

  /** Throws 403 ERR_ENVELOPE_INVALID unless the envelope is the hub's, for this site, request and token, and new. */
  async verify(envelope: string | undefined, expect: { site: string; binding: string; token: string }): Promise<void> {
    const refuse = (why: string) =>
      new FedomopError('ERR_ENVELOPE_INVALID', `site ${expect.site} takes requests only through its hub: ${why}`, {
        site: expect.site,
      });
    if (!envelope) throw refuse('no hub envelope came with the request');
    let payload;
    try {
      ({ payload } = await jwtVerify(envelope, this.keys, {
        issuer: ISSUER,
        audience: expect.site,
        typ: TYP,
        algorithms: [ALG],
        clockTolerance: 30,
        requiredClaims: ['exp', 'jti', 'req', 'ath'],
      }));
    } catch (err) {
      const claim = (err as { claim?: string }).claim;
      throw refuse(
        claim === 'aud' ? 'the envelope is for another site' : `the envelope does not verify (${(err as Error).message})`,
      );
    }
    if (payload.req !== expect.binding) throw refuse('the envelope is for another request');
    if (payload.ath !== accessTokenHash(expect.token)) throw refuse('the envelope is for another token');
    const now = Date.now() / 1000;
    for (const [jti, exp] of this.seen) if (exp + 60 < now) this.seen.delete(jti);
    if (this.seen.has(payload.jti!)) throw refuse('the envelope was used before');
    this.seen.set(payload.jti!, payload.exp!);
  }
}
