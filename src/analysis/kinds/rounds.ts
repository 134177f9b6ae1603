/**
 * The rounds a hub runs with each site for the kinds that read variables. A round is one POST to
 * the site's `/v1/rounds` with `{plan, round}`: the plan is validated and bound (by its hash) to the
 * same cohort and variables in every round; the round names only variables the plan's analysis
 * uses, and asks for aggregates. The site answers JSON meant for the hub, which releases only
 * what disclosure control allows (docs/statistics.md, "Rounds"). Browser-safe types.
 */
import type { ReleasedValue } from '../../arrow/result-schema.js';

/** A model term: the intercept, a numeric variable, or one level of a categorical one (a dummy). */
export interface GlmTerm {
  name: string;
  variable?: string;
  level?: string;
}

export type Round =
  /** summary: counts and sums per `of` variable (and per level of `by`); level counts for categorical ones */
  | { type: 'moments' }
  /** #{x ≤ v} at each probe among persons with a value for `variable` (in the `by` level given) */
  | { type: 'quantile'; variable: string; level: string | null; probes: number[] }
  /** histogram: persons per bin of the analysis's variable */
  | { type: 'bins'; edges: number[] }
  /** km: for each bin of a proposed grid, whether every stratum holds 0 or ≥ k events in it */
  | { type: 'km-grid'; ends: number[] }
  /** km: at risk, events and censored per stratum and bin of the agreed grid */
  | { type: 'km-counts'; ends: number[] }
  /** glm: the levels of categorical covariates held by ≥ k persons */
  | { type: 'levels' }
  /** glm: XᵀWX, XᵀWz, deviance, n at β (null: start from mustart) for the full or intercept-only model */
  | { type: 'glm'; model: 'full' | 'null'; terms: GlmTerm[]; beta: number[] | null };

export type RoundType = Round['type'];

/** Per site: persons in the cohort, complete cases of the variables the analysis uses, rows dropped. */
export interface CaseCounts {
  persons: ReleasedValue;
  complete: ReleasedValue;
  dropped: ReleasedValue;
}

/** A count the site withheld from the hub: fewer than k persons at or below the probe, or above it. */
export type ProbeAnswer = number | 'low' | 'high';

export interface MomentsCell {
  variable: string;
  /** by-level (numeric variables) or category (categorical variables) */
  level: string | null;
  /** for a categorical variable with `by`: the by-level of this category count */
  group?: string | null;
  categorical: boolean;
  n: ReleasedValue;
  missing: ReleasedValue;
  /** released per site only when n ≥ k */
  mean: number | null;
  sd: number | null;
  /** exact sums for pooling at the hub (never released per site); absent for categorical rows */
  internal?: { n: number; sum: number; sumSquares: number };
}

export interface KmCountsRow {
  stratum: string;
  time: number;
  n_at_risk: ReleasedValue;
  n_events: ReleasedValue;
  n_censored: ReleasedValue;
}

export interface GlmContributionAnswer {
  xtwx: number[][];
  xtwz: number[];
  deviance: number;
  logLik: number;
  n: number;
}

export type RoundAnswer =
  | { type: 'moments'; cases: CaseCounts; cells: MomentsCell[] }
  | { type: 'quantile'; n: number; counts: ProbeAnswer[] }
  | { type: 'bins'; cases: CaseCounts; persons: ReleasedValue[] }
  | { type: 'km-grid'; ok: boolean[] }
  | { type: 'km-counts'; cases: CaseCounts; rows: KmCountsRow[] }
  | { type: 'levels'; levels: Record<string, string[]> }
  | { type: 'glm'; cases: CaseCounts; contribution: GlmContributionAnswer };

/** The most probes a site answers in one quantile round. */
export const MAX_PROBES_PER_ROUND = 256;
/** The most probes a site answers per user, plan, variable and level (a generous bisection budget). */
export const PROBE_BUDGET = 4096;
/** Bins of a histogram: the given edges plus an open bin below the first edge and one above the last. */
export const STRATUM_ALL = 'all';
