/**
 * The site's half of a federated GLM fit by iteratively reweighted least squares. For the hub's
 * current β a site returns only the sums XᵀWX (p×p), XᵀWz (p), the deviance and log-likelihood
 * at β, and its n — never a row. With β = null the site starts from μ = mustart(y), as R's glm()
 * does, so the federated fit walks the same path (and iteration count) as a one-shot fit.
 */
import { FedomopError } from '../errors.js';
import type { GlmFamily } from './glm-family.js';
import type { Matrix } from './linalg.js';
import { zeros } from './linalg.js';

export interface GlmRow {
  /** design row: one value per model term, the intercept's 1 included */
  x: number[];
  y: number;
  /** added to the linear predictor with a fixed coefficient of 1 (e.g. log exposure time) */
  offset?: number;
}

export interface GlmContribution {
  xtwx: Matrix;
  xtwz: number[];
  /** deviance at the β the contribution was computed for (at mustart when β was null) */
  deviance: number;
  /** log-likelihood at that β (0 for gaussian, whose log-likelihood the hub derives from the deviance) */
  logLik: number;
  n: number;
}

export function siteContribution(rows: readonly GlmRow[], beta: readonly number[] | null, family: GlmFamily): GlmContribution {
  const p = beta ? beta.length : (rows[0]?.x.length ?? 0);
  const xtwx = zeros(p, p);
  const xtwz = new Array<number>(p).fill(0);
  let deviance = 0;
  let logLik = 0;
  rows.forEach((row, i) => {
    if (row.x.length !== p) {
      throw new FedomopError('ERR_BAD_REQUEST', `row ${i} has ${row.x.length} terms, expected ${p}`);
    }
    if (!family.validOutcome(row.y)) {
      throw new FedomopError('ERR_BAD_REQUEST', `row ${i}: outcome ${row.y} is not valid for the ${family.name} family`);
    }
    const offset = row.offset ?? 0;
    let eta: number;
    let mu: number;
    if (beta) {
      eta = offset;
      for (let j = 0; j < p; j++) eta += row.x[j] * beta[j];
      mu = family.linkinv(eta);
    } else {
      mu = family.mustart(row.y);
      eta = family.link(mu);
    }
    const me = family.muEta(eta);
    const w = (me * me) / family.variance(mu);
    const z = eta - offset + (row.y - mu) / me;
    for (let a = 0; a < p; a++) {
      const wxa = w * row.x[a];
      xtwz[a] += wxa * z;
      for (let b = a; b < p; b++) xtwx[a][b] += wxa * row.x[b];
    }
    deviance += family.deviance(row.y, mu);
    logLik += family.logLik(row.y, mu);
  });
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) xtwx[a][b] = xtwx[b][a];
  return { xtwx, xtwz, deviance, logLik, n: rows.length };
}

/** The intercept-only design for the null model (keeps y and the offset). */
export function nullModelRows(rows: readonly GlmRow[]): GlmRow[] {
  return rows.map((r) => ({ x: [1], y: r.y, offset: r.offset }));
}
