/**
 * The notebook's statistics calls as plans: `fed.summary(cohort, {variables, of, by})` is the plan
 * `{version: 1, cohort, analysis: {kind: 'summary', variables, of, by}}` — the options are the plan's
 * analysis part without its kind (docs/plan.md), so what a notebook asks is what the hub validates.
 */
import type { CirceExpression, GlmAnalysis, HistogramAnalysis, KmAnalysis, Plan, SummaryAnalysis } from '../plan/types.js';

/** A Circe cohort expression (what cohortFromFile() returns). */
export type StatsCohort = CirceExpression;

export type SummaryOptions = Omit<SummaryAnalysis, 'kind'>;
export type HistogramOptions = Omit<HistogramAnalysis, 'kind'>;
export type GlmOptions = Omit<GlmAnalysis, 'kind'>;
export type KmOptions = Omit<KmAnalysis, 'kind'>;

interface OptionsOf {
  summary: SummaryOptions;
  histogram: HistogramOptions;
  glm: GlmOptions;
  km: KmOptions;
}

export function statsPlan<K extends keyof OptionsOf>(cohort: StatsCohort, kind: K, opts: OptionsOf[K]): Plan {
  // Undefined options are left out rather than sent as null: the plan's hash and schema see what was asked.
  const analysis = Object.fromEntries(Object.entries({ kind, ...opts }).filter(([, v]) => v !== undefined));
  return { version: 1, cohort, analysis: analysis as unknown as Plan['analysis'] };
}
