/**
 * Plan types of the analysis kinds that read variables (summary, histogram, glm, km); the
 * crosstab's are in crosstab/plan.ts. Browser-safe: types and constants only. The meanings are the plan
 * contract (docs/plan.md, docs/statistics.md); the validators sit beside each kind.
 */
import type { Variables } from '../variables/types.js';

// The crosstab's plan part lives in its folder; re-exported here for the existing imports.
export { CROSSTAB_DIMENSIONS, type CrosstabAnalysis, type CrosstabDimension } from './crosstab/plan.js';

/** n, missing, mean, sd and exact pooled quantiles per numeric variable; level counts per categorical one. */
export interface SummaryAnalysis {
  kind: 'summary';
  variables: Variables;
  of: string[];
  /** a categorical or binary variable: one row set per level */
  by?: string;
}

export const HISTOGRAM_DEFAULT_BINS = 10;
export const HISTOGRAM_MAX_BINS = 100;

/** Persons per bin of one numeric variable; edges given, or `bins` equal-width bins chosen by the hub. */
export interface HistogramAnalysis {
  kind: 'histogram';
  variables: Variables;
  of: string;
  /** ascending bin edges; bins are [e_i, e_{i+1}) and the last one is closed */
  edges?: number[];
  /** number of equal-width bins between the pooled p05 and p95 when no edges are given (default 10) */
  bins?: number;
}

export const GLM_FAMILIES = ['gaussian', 'binomial', 'poisson'] as const;
export type GlmFamilyName = (typeof GLM_FAMILIES)[number];
export const GLM_MAX_COVARIATES = 30;

/** A generalised linear model fitted by federated IRLS at the hub. */
export interface GlmAnalysis {
  kind: 'glm';
  variables: Variables;
  family: GlmFamilyName;
  outcome: string;
  covariates: string[];
  /** a numeric variable added to the linear predictor with coefficient 1 (e.g. log exposure) */
  offset?: string;
  /** 'fail' (default): a site that refuses fails the fit; 'continue': fit on the others and say so */
  onRefusal?: 'fail' | 'continue';
}

export const KM_DEFAULT_BIN_DAYS = 30;
export const KM_MAX_BIN_DAYS = 3650;

/** Kaplan–Meier survival of a time_to variable, optionally by stratum, on an agreed bin grid. */
export interface KmAnalysis {
  kind: 'km';
  variables: Variables;
  /** a time_to variable */
  time: string;
  /** a categorical or binary variable */
  strata?: string;
  /** bin width in days (default 30) */
  binDays?: number;
}

export type VariableAnalysis = SummaryAnalysis | HistogramAnalysis | GlmAnalysis | KmAnalysis;
export const VARIABLE_ANALYSIS_KINDS = ['summary', 'histogram', 'glm', 'km'] as const;
