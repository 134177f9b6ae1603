/**
 * `[auth]` in site.toml and hub.toml, and the matching flags. A service verifies tokens when it has
 * an issuer; without one it runs only under --dev-insecure (src/cli/insecure.ts).
 *
 * ```toml
 * [auth]
 * issuer = "https://login.helmholtz.de/oauth2"
 * audiences = ["fedomop"]          # a JWT's aud must hold one of these ...
 * client_ids = ["fedomop-lab"]     # ... or, without aud, its client_id be one of these
 * algorithms = ["RS256", "ES256"]  # asymmetric only; none/HS* are refused anyway
 * clock_skew_s = 30
 * opaque_cache_s = 60
 * # sites only:
 * policy = "policy/demo-policy.toml"
 * hub_keys = "http://hub:8100/v1/keys"   # or a file with the hub's public JWKS
 * allow_direct = false                   # true: accept requests without a hub envelope
 * # hub only:
 * envelope_key = "hub-envelope.jwk"      # private ES256 JWK; default a fresh key per start
 * ```
 */
import { FedomopError } from '../errors.js';
import { TokenVerifier, VERIFIER_DEFAULTS, type VerifierConfig } from './verifier.js';

export interface AuthSettings {
  issuer?: string;
  audiences?: string[];
  clientIds?: string[];
  algorithms?: string[];
  clockSkewS?: number;
  opaqueCacheS?: number;
  policy?: string;
  hubKeys?: string;
  allowDirect?: boolean;
  envelopeKey?: string;
}

const KEYS: Record<string, keyof AuthSettings> = {
  issuer: 'issuer',
  audiences: 'audiences',
  client_ids: 'clientIds',
  algorithms: 'algorithms',
  clock_skew_s: 'clockSkewS',
  opaque_cache_s: 'opaqueCacheS',
  policy: 'policy',
  hub_keys: 'hubKeys',
  allow_direct: 'allowDirect',
  envelope_key: 'envelopeKey',
};

/** Reads an `[auth]` table; `allowed` names the keys this service takes. */
export function parseAuthTable(table: unknown, source: string, allowed: ReadonlyArray<keyof AuthSettings>): AuthSettings {
  if (table === undefined) return {};
  const bad = (m: string) => new FedomopError('ERR_CONFIG_INVALID', `${source}: ${m}`);
  if (typeof table !== 'object' || table === null || Array.isArray(table)) throw bad('[auth] must be a table');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table)) {
    const field = KEYS[key];
    if (!field || !allowed.includes(field)) throw bad(`unknown key auth.${key}`);
    if (field === 'audiences' || field === 'clientIds' || field === 'algorithms') {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw bad(`auth.${key} must be a list of strings`);
    } else if (field === 'clockSkewS' || field === 'opaqueCacheS') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 300)
        throw bad(`auth.${key} must be 0-300 seconds`);
    } else if (field === 'allowDirect') {
      if (typeof value !== 'boolean') throw bad(`auth.${key} must be true or false`);
    } else if (typeof value !== 'string' || value === '') throw bad(`auth.${key} must be a non-empty string`);
    out[field] = value;
  }
  return out as AuthSettings;
}

/** Flags over file; lists from flags replace the file's. */
export function mergeAuth(file: AuthSettings, flags: AuthSettings): AuthSettings {
  const out: AuthSettings = { ...file };
  for (const [k, v] of Object.entries(flags))
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) (out as Record<string, unknown>)[k] = v;
  return out;
}

export function verifierConfig(auth: AuthSettings): VerifierConfig {
  if (!auth.issuer) throw new FedomopError('ERR_CONFIG_INVALID', 'no issuer to verify tokens against');
  let issuer: URL;
  try {
    issuer = new URL(auth.issuer);
  } catch {
    throw new FedomopError('ERR_CONFIG_INVALID', `issuer ${auth.issuer} is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && loopback)) {
    throw new FedomopError(
      'ERR_CONFIG_INVALID',
      `issuer ${auth.issuer} must be https:// (http:// only on loopback, for the dev IdP)`,
    );
  }
  const algorithms = auth.algorithms ?? [...VERIFIER_DEFAULTS.algorithms];
  const weak = algorithms.filter((a) => a.toLowerCase() === 'none' || /^HS/i.test(a));
  if (weak.length)
    throw new FedomopError('ERR_CONFIG_INVALID', `algorithms ${weak.join(', ')} are never accepted (no none, no HMAC)`);
  return {
    issuer: auth.issuer,
    audiences: auth.audiences ?? [...VERIFIER_DEFAULTS.audiences],
    clientIds: auth.clientIds ?? [...VERIFIER_DEFAULTS.clientIds],
    algorithms,
    clockSkewS: auth.clockSkewS ?? VERIFIER_DEFAULTS.clockSkewS,
    opaqueCacheS: auth.opaqueCacheS ?? VERIFIER_DEFAULTS.opaqueCacheS,
    jwksCooldownMs: VERIFIER_DEFAULTS.jwksCooldownMs,
  };
}

export function createVerifier(auth: AuthSettings): TokenVerifier {
  return new TokenVerifier(verifierConfig(auth));
}
