/**
 * The hub's half of a federated GLM: sum the sites' contributions, take one IRLS step, test
 * convergence the way R's glm.fit does (|D − D_old| / (|D| + 0.1) < 1e-10, at most 25 steps), and
 * turn the converged fit into Wald-z inference as statsmodels' GLM reports it.
 *
 * Bookkeeping follows glm.fit exactly: contributions computed at β_t carry D(β_t) and the normal
 * equations that give β_{t+1}. When D(β_t) has stopped moving, β_t is the estimate and its
 * covariance is the inverse of the XᵀWX that produced β_t (R and statsmodels do the same).
 */
import { FedomopError } from '../errors.js';
import type { GlmFamily } from './glm-family.js';
import type { GlmContribution } from './glm-site.js';
import type { Matrix } from './linalg.js';
import { inverseSpd, solveSpd, zeros } from './linalg.js';
import { normalSf, zForConfidence } from './special.js';

export const GLM_TOLERANCE = 1e-10;
export const GLM_MAX_ITERATIONS = 25;

export interface GlmState {
  /** the β the sites were last asked about; null = start from mustart */
  beta: number[] | null;
  /** number of IRLS solves so far */
  iteration: number;
  /** deviance at the previous β (or at mustart) */
  previousDeviance: number | null;
  /** the summed XᵀWX that produced `beta` */
  producingXtwx: Matrix | null;
}

export interface GlmStep {
  state: GlmState;
  /** true: stop asking the sites; `state.beta` is the estimate */
  done: boolean;
  converged: boolean;
  /** deviance at the β the contributions were computed for */
  deviance: number;
  logLik: number;
  n: number;
}

export function initialGlmState(): GlmState {
  return { beta: null, iteration: 0, previousDeviance: null, producingXtwx: null };
}

export interface PooledContribution extends GlmContribution {
  sites: number;
}

export function poolContributions(contributions: readonly GlmContribution[]): PooledContribution {
  if (contributions.length === 0) throw new FedomopError('ERR_NO_SITES', 'no site contributed to the fit');
  const p = contributions[0].xtwz.length;
  const xtwx = zeros(p, p);
  const xtwz = new Array<number>(p).fill(0);
  let deviance = 0;
  let logLik = 0;
  let n = 0;
  for (const c of contributions) {
    if (c.xtwz.length !== p || c.xtwx.length !== p) {
      throw new FedomopError('ERR_SITE_BAD_RESPONSE', 'sites returned contributions of different dimensions');
    }
    for (let a = 0; a < p; a++) {
      xtwz[a] += c.xtwz[a];
      for (let b = 0; b < p; b++) xtwx[a][b] += c.xtwx[a][b];
    }
    deviance += c.deviance;
    logLik += c.logLik;
    n += c.n;
  }
  return { xtwx, xtwz, deviance, logLik, n, sites: contributions.length };
}

/** One hub step: pooled contributions at `state.beta` in, the next β (or the verdict) out. */
export function hubUpdate(
  contributions: readonly GlmContribution[],
  state: GlmState,
  options: { tolerance?: number; maxIterations?: number } = {},
): GlmStep {
  const tolerance = options.tolerance ?? GLM_TOLERANCE;
  const maxIterations = options.maxIterations ?? GLM_MAX_ITERATIONS;
  const pooled = poolContributions(contributions);
  const base = { deviance: pooled.deviance, logLik: pooled.logLik, n: pooled.n };
  if (!Number.isFinite(pooled.deviance)) {
    throw new FedomopError('ERR_QUERY_FAILED', 'the fit diverged (non-finite deviance)');
  }
  if (state.beta && state.previousDeviance !== null) {
    const change = Math.abs(pooled.deviance - state.previousDeviance) / (Math.abs(pooled.deviance) + 0.1);
    if (change < tolerance) return { ...base, state, done: true, converged: true };
    if (state.iteration >= maxIterations) return { ...base, state, done: true, converged: false };
  }
  const beta = solveSpd(pooled.xtwx, pooled.xtwz);
  return {
    ...base,
    state: { beta, iteration: state.iteration + 1, previousDeviance: pooled.deviance, producingXtwx: pooled.xtwx },
    done: false,
    converged: false,
  };
}

export interface GlmTermResult {
  term: string;
  estimate: number;
  std_error: number;
  statistic: number;
  p_value: number;
  ci_lower: number;
  ci_upper: number;
}

export interface GlmFit {
  family: GlmFamily['name'];
  terms: GlmTermResult[];
  covariance: Matrix;
  deviance: number;
  nullDeviance: number;
  /** −2·logLik + 2·k, k = coefficients (+1 for gaussian's scale, as R counts it) */
  aic: number;
  logLik: number;
  /** estimated for gaussian (Pearson χ² / residual df = deviance / (n − p)); 1 otherwise */
  dispersion: number;
  n: number;
  dfResidual: number;
  iterations: number;
  converged: boolean;
}

/** Wald-z table and fit statistics from the final step of the full and the null model. */
export function glmResult(args: {
  family: GlmFamily;
  termNames: readonly string[];
  final: GlmStep;
  nullDeviance: number;
  level?: number;
}): GlmFit {
  const { family, termNames, final } = args;
  const { state } = final;
  if (!state.beta || !state.producingXtwx) throw new FedomopError('ERR_INTERNAL', 'glmResult needs a fitted state');
  const p = state.beta.length;
  if (termNames.length !== p) throw new FedomopError('ERR_BAD_REQUEST', `expected ${p} term names`);
  const n = final.n;
  const dfResidual = n - p;
  const dispersion = family.name === 'gaussian' ? final.deviance / dfResidual : 1;
  const unscaled = inverseSpd(state.producingXtwx);
  const covariance = unscaled.map((row) => row.map((v) => v * dispersion));
  const z = zForConfidence(args.level ?? 0.95);
  const terms = state.beta.map((estimate, j) => {
    const se = Math.sqrt(covariance[j][j]);
    const statistic = estimate / se;
    return {
      term: termNames[j],
      estimate,
      std_error: se,
      statistic,
      p_value: 2 * normalSf(Math.abs(statistic)),
      ci_lower: estimate - z * se,
      ci_upper: estimate + z * se,
    };
  });
  // Gaussian log-likelihood at the ML scale D/n; the others summed at the sites.
  const logLik = family.name === 'gaussian' ? (-n / 2) * (Math.log((2 * Math.PI * final.deviance) / n) + 1) : final.logLik;
  const k = p + (family.name === 'gaussian' ? 1 : 0);
  return {
    family: family.name,
    terms,
    covariance,
    deviance: final.deviance,
    nullDeviance: args.nullDeviance,
    aic: -2 * logLik + 2 * k,
    logLik,
    dispersion,
    n,
    dfResidual,
    iterations: state.iteration,
    converged: final.converged,
  };
}
