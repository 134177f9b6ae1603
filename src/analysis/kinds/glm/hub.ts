/**
 * `glm` at the hub: a levels round fixes the design (intercept, numeric covariates, one dummy per
 * non-reference level of a categorical covariate: `name[level]`), then IRLS — each round every
 * site returns XᵀWX, XᵀWz, deviance and n at the hub's β; the hub sums and updates (src/stats
 * glm-hub.ts: R's glm.fit convergence, ≤ 25 steps) — then the intercept-only model the same way
 * for the null deviance. A site that refuses (a trap rule) fails the fit naming site and rule,
 * unless the plan says onRefusal 'continue': then the fit restarts on the other sites, and the
 * metadata lists who was left out and why. Pooled only.
 */
import { FedomopError } from '../../../errors.js';
import { glmFamily } from '../../../stats/glm-family.js';
import { glmResult, hubUpdate, initialGlmState, type GlmStep } from '../../../stats/glm-hub.js';
import type { GenderVariable } from '../../variables/types.js';
import type { KindOutcome, RoundsContext } from '../hub-context.js';
import type { GlmAnalysis } from './plan.js';
import type { ResultRecord } from '../result-columns.js';
import type { GlmTerm } from '../rounds.js';

export const INTERCEPT = '(Intercept)';

export function designTerms(a: GlmAnalysis, levels: Record<string, string[]>): GlmTerm[] {
  const terms: GlmTerm[] = [{ name: INTERCEPT }];
  for (const c of a.covariates) {
    const lv = levels[c];
    if (!lv) {
      terms.push({ name: c, variable: c });
      continue;
    }
    const spec = a.variables[c];
    const reference = spec.type === 'gender' && (spec as GenderVariable).reference ? (spec as GenderVariable).reference! : lv[0];
    for (const l of lv) if (l !== reference) terms.push({ name: `${c}[${l}]`, variable: c, level: l });
  }
  return terms;
}

interface Refusal {
  site: string;
  code: string;
  rule?: string;
  message: string;
}

export async function driveGlm(ctx: RoundsContext<GlmAnalysis>, failures: () => Map<string, FedomopError>): Promise<KindOutcome> {
  const a = ctx.analysis;
  const family = glmFamily(a.family);
  const onRefusal = a.onRefusal ?? 'fail';
  const refused = (): Refusal[] =>
    [...failures()].map(([site, e]) => ({
      site,
      code: e.code,
      message: e.message,
      ...(typeof e.details.rule === 'string' && { rule: e.details.rule }),
    }));
  const check = () => {
    const r = refused();
    if (r.length > 0 && onRefusal === 'fail') {
      const first = r[0];
      throw new FedomopError(
        first.code === 'ERR_DISCLOSURE_REFUSED' ? 'ERR_DISCLOSURE_REFUSED' : 'ERR_QUERY_FAILED',
        `the fit needs every site (onRefusal 'fail'): site ${first.site}: ${first.message}`,
        {
          site: first.site,
          ...(first.rule && { rule: first.rule }),
        },
      );
    }
    if (ctx.sites().length === 0) throw new FedomopError('ERR_NO_SITES', 'no site is left to fit the model');
  };
  const levelAnswers = await ctx.ask({ type: 'levels' });
  check();
  const levels: Record<string, string[]> = {};
  for (const ans of levelAnswers.values()) {
    for (const [c, lv] of Object.entries(ans.levels)) levels[c] = [...new Set([...(levels[c] ?? []), ...lv])].sort();
  }
  const terms = designTerms(a, levels);
  let round = 0;
  // Rounds per model (the last fit's, after a restart): the progress says which model it is on.
  const rounds = { full: 0, null: 0 };
  const fit = async (model: 'full' | 'null', modelTerms: GlmTerm[]): Promise<GlmStep> => {
    for (let restart = 0; ; restart++) {
      const taking = ctx.sites().join(',');
      let state = initialGlmState();
      let restarted = false;
      rounds[model] = 0;
      for (;;) {
        const answers = await ctx.ask({ type: 'glm', model, terms: modelTerms, beta: state.beta });
        check();
        if (ctx.sites().join(',') !== taking) {
          restarted = true; // a site left mid-fit (onRefusal 'continue'): start over on the others
          break;
        }
        round++;
        rounds[model]++;
        const step = hubUpdate(
          [...answers.values()].map((x) => x.contribution),
          state,
        );
        // `round` counts every round of the query; `iteration` is this model's own (1 = its first
        // round), so the null model's rounds are not shown as more iterations of the model.
        ctx.iteration({
          round,
          kind: 'glm',
          model,
          iteration: rounds[model],
          modelIterations: rounds.full,
          nullIterations: rounds.null,
          deviance: step.deviance,
        });
        if (step.done) return step;
        state = step.state;
      }
      if (!restarted || restart > ctx.sites().length)
        throw new FedomopError('ERR_QUERY_FAILED', 'the fit could not settle on a set of sites');
    }
  };
  const full = await fit('full', terms);
  const nullModel = await fit('null', [{ name: INTERCEPT }]);
  const result = glmResult({ family, termNames: terms.map((t) => t.name), final: full, nullDeviance: nullModel.deviance });
  const pooled: ResultRecord[] = result.terms.map((t) => ({
    site: 'pooled',
    ...t,
    disclosure: 'exact: every site passed the GLM rules',
  }));
  return {
    metadata: {
      'fedomop.glm': JSON.stringify({
        family: a.family,
        deviance: result.deviance,
        null_deviance: result.nullDeviance,
        aic: result.aic,
        n: result.n,
        df_residual: result.dfResidual,
        dispersion: result.dispersion,
        iterations: result.iterations,
        null_iterations: nullModel.state.iteration,
        rounds: { full: rounds.full, null: rounds.null },
        converged: result.converged,
        sites: ctx.sites(),
        refused: refused(),
        terms: terms,
      }),
    },
    perSite: [],
    pooled,
  };
}
