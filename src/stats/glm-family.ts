/**
 * GLM families with their canonical links, as R's glm() and statsmodels define them: gaussian
 * (identity), binomial (logit; outcome 0/1, one trial per row) and poisson (log).
 */
import { logGamma } from './special.js';

export type GlmFamilyName = 'gaussian' | 'binomial' | 'poisson';

export interface GlmFamily {
  name: GlmFamilyName;
  /** η → μ */
  linkinv(eta: number): number;
  /** μ → η */
  link(mu: number): number;
  /** dμ/dη at η */
  muEta(eta: number): number;
  /** variance function V(μ) */
  variance(mu: number): number;
  /** one row's contribution to the deviance */
  deviance(y: number, mu: number): number;
  /** one row's log-likelihood; gaussian returns 0 (its log-likelihood needs the pooled scale) */
  logLik(y: number, mu: number): number;
  /** starting μ from y, as R's family()$initialize does for unit weights */
  mustart(y: number): number;
  /** whether y is a valid outcome for this family */
  validOutcome(y: number): boolean;
}

const DBL_EPS = 2.220446049250313e-16;

const gaussian: GlmFamily = {
  name: 'gaussian',
  linkinv: (eta) => eta,
  link: (mu) => mu,
  muEta: () => 1,
  variance: () => 1,
  deviance: (y, mu) => (y - mu) * (y - mu),
  logLik: () => 0,
  mustart: (y) => y,
  validOutcome: (y) => Number.isFinite(y),
};

// μ is kept inside [ε, 1 − ε] as R's logit link does, so a near-separated fit stays finite.
function clampProb(mu: number): number {
  return Math.min(1 - DBL_EPS, Math.max(DBL_EPS, mu));
}

const binomial: GlmFamily = {
  name: 'binomial',
  linkinv: (eta) => clampProb(1 / (1 + Math.exp(-eta))),
  link: (mu) => Math.log(mu / (1 - mu)),
  muEta: (eta) => {
    const e = Math.exp(-Math.abs(eta));
    return Math.max(DBL_EPS, e / ((1 + e) * (1 + e)));
  },
  variance: (mu) => mu * (1 - mu),
  deviance: (y, mu) => -2 * (y === 1 ? Math.log(mu) : Math.log(1 - mu)),
  logLik: (y, mu) => (y === 1 ? Math.log(mu) : Math.log(1 - mu)),
  mustart: (y) => (y + 0.5) / 2,
  validOutcome: (y) => y === 0 || y === 1,
};

const poisson: GlmFamily = {
  name: 'poisson',
  linkinv: (eta) => Math.max(DBL_EPS, Math.exp(eta)),
  link: (mu) => Math.log(mu),
  muEta: (eta) => Math.max(DBL_EPS, Math.exp(eta)),
  variance: (mu) => mu,
  deviance: (y, mu) => 2 * ((y > 0 ? y * Math.log(y / mu) : 0) - (y - mu)),
  logLik: (y, mu) => (y > 0 ? y * Math.log(mu) : 0) - mu - logGamma(y + 1),
  mustart: (y) => y + 0.1,
  validOutcome: (y) => Number.isInteger(y) && y >= 0,
};

const FAMILIES: Record<GlmFamilyName, GlmFamily> = { gaussian, binomial, poisson };

export function glmFamily(name: GlmFamilyName): GlmFamily {
  return FAMILIES[name];
}

export function isGlmFamilyName(value: unknown): value is GlmFamilyName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(FAMILIES, value);
}
