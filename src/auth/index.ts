// Token verification, entitlements, site policy, hub envelopes (Node services only).
export { TokenVerifier, VERIFIER_DEFAULTS, bearerToken, tokenDigest } from './verifier.js';
export type { VerifierConfig } from './verifier.js';
export { requestUser, setRequestUser, setInsecureCaller, userKey, userKeyOf } from './user.js';
export type { VerifiedUser } from './user.js';
export { holds, parseEntitlement, parseEntitlements, parseRequirement, requirementText } from './entitlements.js';
export type { Entitlement, GroupRequirement } from './entitlements.js';
export { accessOf, decide, loadPolicy, parsePolicy, DISCLOSURE_PROFILES } from './policy.js';
export type { Access, Action, Decision, DisclosureProfile, PolicyRule, SitePolicy } from './policy.js';
export {
  ENVELOPE_HEADER,
  ENVELOPE_TTL_S,
  EnvelopeSigner,
  EnvelopeVerifier,
  accessTokenHash,
  newEnvelopeKey,
  requestBinding,
} from './envelope.js';
export { authenticate, tokenOf, withChallenge, wwwAuthenticate } from './http.js';
export { createVerifier, mergeAuth, parseAuthTable, verifierConfig } from './config.js';
export type { AuthSettings } from './config.js';
