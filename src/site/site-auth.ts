/**
 * What a site needs to decide for itself who may ask what: a token verifier for its trusted issuer,
 * its own policy, and (unless it takes direct calls) the hub's key to check envelopes with.
 */
import { createVerifier } from '../auth/config.js';
import { EnvelopeVerifier } from '../auth/envelope.js';
import { loadPolicy, type SitePolicy } from '../auth/policy.js';
import type { TokenVerifier } from '../auth/verifier.js';
import { FedomopError } from '../errors.js';
import type { SiteConfig } from './config.js';

export interface SiteAuth {
  issuer: string;
  verifier: TokenVerifier;
  policy: SitePolicy;
  /** The hub's envelope key, when the site was given one (hub_keys). */
  envelopes?: EnvelopeVerifier;
  /**
   * allow_direct: calls without an envelope are taken too (a notebook talking to this one site). An
   * envelope that comes is still checked, and only a call with one counts as the hub's — statistics
   * rounds, whose intermediate sums are exact, are refused without it under a perturbing profile.
   */
  allowDirect: boolean;
}

/** Undefined when the site runs without token checks (--dev-insecure, which the listen policy confines). */
export function siteAuthOf(config: SiteConfig): SiteAuth | undefined {
  const { auth } = config;
  if (!auth.issuer) return undefined;
  if (config.devInsecure) {
    throw new FedomopError('ERR_CONFIG_INVALID', '--dev-insecure turns token checks off: do not combine it with an issuer');
  }
  if (!auth.policy) {
    throw new FedomopError(
      'ERR_CONFIG_INVALID',
      `site ${config.id} verifies tokens but has no policy: pass --policy FILE (e.g. policy/demo-policy.toml)`,
    );
  }
  if (!auth.hubKeys && !auth.allowDirect) {
    throw new FedomopError(
      'ERR_CONFIG_INVALID',
      `site ${config.id}: pass --hub-keys <hub URL>/v1/keys (or a file) so only the hub's envelopes are accepted, or --allow-direct to take direct calls`,
    );
  }
  return {
    issuer: auth.issuer,
    verifier: createVerifier(auth),
    policy: loadPolicy(auth.policy, config.id),
    envelopes: auth.hubKeys ? EnvelopeVerifier.from(auth.hubKeys) : undefined,
    allowDirect: auth.allowDirect === true,
  };
}
