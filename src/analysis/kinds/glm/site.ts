/**
 * `glm` at the site: the design for the hub's terms over the complete cases (kept in the site
 * process between rounds), the disclosure traps checked on it before any contribution leaves
 * (fail closed: a refusal names the rule), and one IRLS contribution per round — XᵀWX, XᵀWz,
 * deviance, log-likelihood and n at the hub's β — computed as src/stats/glm-site.ts does, over
 * typed arrays so a million rows take one pass.
 */
import { FedomopError } from '../../../errors.js';
import { glmFamily } from '../../../stats/glm-family.js';
import type { GlmTrapRule } from '../../../stats/glm-traps.js';
import { completeCases, levelOf, type PersonTable } from '../person-table.js';
import type { GlmAnalysis } from './plan.js';
import type { GlmContributionAnswer, GlmTerm, Round } from '../rounds.js';
import { memoised, type RoundsKindSite } from '../rounds-site.js';
import { caseCounts } from '../site-release.js';

export interface GlmDesign {
  n: number;
  p: number;
  /** row-major n × p */
  x: Float64Array;
  y: Float64Array;
  offset: Float64Array | null;
  complete: Int32Array;
}

/** The variables a glm uses, in the order that decides its complete cases. */
export function glmVariables(a: GlmAnalysis): string[] {
  return [a.outcome, ...a.covariates, ...(a.offset ? [a.offset] : [])];
}

export function glmLevels(t: PersonTable, a: GlmAnalysis, k: number): Record<string, string[]> {
  const complete = completeCases(t, glmVariables(a));
  const out: Record<string, string[]> = {};
  for (const c of a.covariates) {
    const levels = t.levels.get(c);
    if (!levels) continue;
    const counts = new Map<string, number>();
    for (const i of complete) counts.set(levels[i]!, (counts.get(levels[i]!) ?? 0) + 1);
    out[c] = [...counts.entries()]
      .filter(([, n]) => n >= k)
      .map(([l]) => l)
      .sort();
  }
  return out;
}

/** Checks the hub's terms against the analysis: only its covariates, dummies only of categorical ones. */
export function checkTerms(t: PersonTable, a: GlmAnalysis, terms: readonly GlmTerm[], model: 'full' | 'null'): void {
  const bad = (m: string) => new FedomopError('ERR_BAD_REQUEST', `glm round: ${m}`);
  if (terms.length === 0 || terms[0].variable !== undefined) throw bad('the first term must be the intercept');
  if (model === 'null' && terms.length !== 1) throw bad('the null model has the intercept only');
  const seen = new Set<string>();
  for (const term of terms.slice(1)) {
    if (!term.variable || !a.covariates.includes(term.variable)) throw bad(`term ${term.name} is not a covariate of the plan`);
    const categorical = t.levels.has(term.variable);
    if (categorical !== (term.level !== undefined))
      throw bad(`term ${term.name}: a level goes with a categorical covariate only`);
    const key = `${term.variable}\u0000${term.level ?? ''}`;
    if (seen.has(key)) throw bad(`term ${term.name} appears twice`);
    seen.add(key);
  }
}

export function buildDesign(t: PersonTable, a: GlmAnalysis, terms: readonly GlmTerm[]): GlmDesign {
  const complete = completeCases(t, glmVariables(a));
  const n = complete.length;
  const p = terms.length;
  const x = new Float64Array(n * p);
  const y = new Float64Array(n);
  const yv = t.numeric.get(a.outcome)!;
  const off = a.offset ? t.numeric.get(a.offset)! : null;
  const offset = off ? new Float64Array(n) : null;
  const cols = terms.map((term) =>
    term.variable === undefined
      ? () => 1
      : term.level !== undefined
        ? (i: number) => (levelOf(t, term.variable!, i) === term.level ? 1 : 0)
        : (
            (values) => (i: number) =>
              values[i]
          )(t.numeric.get(term.variable)!),
  );
  complete.forEach((i, r) => {
    y[r] = yv[i];
    if (offset && off) offset[r] = off[i];
    for (let j = 0; j < p; j++) x[r * p + j] = cols[j](i);
  });
  return { n, p, x, y, offset, complete };
}

export interface TrapResult {
  rule: GlmTrapRule;
  message: string;
}

/** The rules of src/stats/glm-traps.ts, on the typed design (saturation only for the full model: the intercept-only model is one pattern by construction). */
export function designTraps(
  d: GlmDesign,
  t: PersonTable,
  a: GlmAnalysis,
  terms: readonly GlmTerm[],
  k: number,
  checkSaturation = true,
): TrapResult | null {
  const { n, p } = d;
  if (n === 0 || p > n / 3) {
    return { rule: 'too-many-parameters', message: "the model has more parameters than 0.33 × the site's persons" };
  }
  if (a.family === 'binomial') {
    let ones = 0;
    for (let r = 0; r < n; r++) if (d.y[r] === 1) ones++;
    if (ones < k || n - ones < k)
      return { rule: 'outcome-level-below-k', message: `one outcome level is held by fewer than ${k} persons` };
  }
  for (const c of a.covariates) {
    const levels = t.levels.get(c);
    const numeric = t.numeric.get(c);
    const counts = new Map<string, number>();
    if (levels) for (const i of d.complete) counts.set(levels[i]!, (counts.get(levels[i]!) ?? 0) + 1);
    else if (numeric && isBinaryColumn(numeric, d.complete))
      for (const i of d.complete) counts.set(String(numeric[i]), (counts.get(String(numeric[i])) ?? 0) + 1);
    else continue;
    const expected = levels ? terms.filter((term) => term.variable === c).length + 1 : 2;
    if (counts.size < expected || [...counts.values()].some((m) => m < k)) {
      return { rule: 'covariate-level-below-k', message: `a level of ${c} is held by fewer than ${k} persons` };
    }
  }
  // Saturation: no more distinct covariate patterns than parameters (stop counting at p + 1).
  const patterns = new Set<string>();
  for (let r = 0; r < n && patterns.size <= p; r++)
    patterns.add(Array.prototype.join.call(d.x.subarray(r * p, (r + 1) * p), ','));
  if (checkSaturation && (n - p <= 0 || patterns.size <= p)) {
    return { rule: 'saturated', message: 'the model is saturated at this site: it would reproduce its cell means exactly' };
  }
  return null;
}

function isBinaryColumn(values: Float64Array, rows: Int32Array): boolean {
  for (const i of rows) if (values[i] !== 0 && values[i] !== 1) return false;
  return true;
}

/** One IRLS contribution at β (null: from mustart), as siteContribution computes it. */
export function designContribution(
  d: GlmDesign,
  beta: readonly number[] | null,
  familyName: GlmAnalysis['family'],
): GlmContributionAnswer {
  const family = glmFamily(familyName);
  const { n, p, x, y, offset } = d;
  if (beta && beta.length !== p)
    throw new FedomopError('ERR_BAD_REQUEST', `glm round: β has ${beta.length} values, the design ${p} terms`);
  const xtwx = new Float64Array(p * p);
  const xtwz = new Float64Array(p);
  let deviance = 0;
  let logLik = 0;
  for (let r = 0; r < n; r++) {
    const o = r * p;
    const yi = y[r];
    if (!family.validOutcome(yi))
      throw new FedomopError('ERR_BAD_REQUEST', `an outcome value is not valid for the ${family.name} family`);
    const off = offset ? offset[r] : 0;
    let eta: number;
    let mu: number;
    if (beta) {
      eta = off;
      for (let j = 0; j < p; j++) eta += x[o + j] * beta[j];
      mu = family.linkinv(eta);
    } else {
      mu = family.mustart(yi);
      eta = family.link(mu);
    }
    const me = family.muEta(eta);
    const w = (me * me) / family.variance(mu);
    const z = eta - off + (yi - mu) / me;
    for (let a = 0; a < p; a++) {
      const wxa = w * x[o + a];
      xtwz[a] += wxa * z;
      const row = a * p;
      for (let b = a; b < p; b++) xtwx[row + b] += wxa * x[o + b];
    }
    deviance += family.deviance(yi, mu);
    logLik += family.logLik(yi, mu);
  }
  const m: number[][] = [];
  for (let a = 0; a < p; a++) {
    m.push([]);
    for (let b = 0; b < p; b++) m[a].push(a <= b ? xtwx[a * p + b] : xtwx[b * p + a]);
  }
  return { xtwx: m, xtwz: Array.from(xtwz), deviance, logLik, n };
}

export const glmRoundsSite: RoundsKindSite<GlmAnalysis> = {
  rounds: ['levels', 'glm'],
  variables: glmVariables,
  answer(a, round, t, policy, memo) {
    const k = policy.minCellCount;
    if (round.type === 'levels') return { type: 'levels', levels: glmLevels(t, a, k) };
    const r = round as Extract<Round, { type: 'glm' }>;
    checkTerms(t, a, r.terms, r.model);
    const entry = memoised(memo, `design\u0000${JSON.stringify(r.terms)}`, () => {
      const design = buildDesign(t, a, r.terms);
      return { design, trap: designTraps(design, t, a, r.terms, k, r.model === 'full') };
    });
    if (entry.trap) {
      throw new FedomopError('ERR_DISCLOSURE_REFUSED', `glm refused by rule ${entry.trap.rule}: ${entry.trap.message}`, {
        rule: entry.trap.rule,
      });
    }
    return {
      type: 'glm',
      cases: caseCounts(t, entry.design.complete, policy),
      contribution: designContribution(entry.design, r.beta, a.family),
    };
  },
};
