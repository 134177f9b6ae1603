/**
 * The panel's statistics forms (summary, histogram, GLM, Kaplan–Meier) → the plan's analysis part.
 * Variables are rows of a small table (name, type, the type's parameters); each analysis then picks
 * variables by name, offered only where their kind fits (a KM time must be a time_to, an outcome of a
 * binomial GLM binary, …). Pure: the model holds an IStatsForm, this turns it into an analysis or
 * says, in the panel's words, what is missing. validatePlan then checks the whole plan as the hub will.
 */
import type { PlanProblem } from '../../errors.js';
import type { Analysis, VariableSpec, Variables } from '../../plan/index.js';
import {
  VARIABLE_KINDS,
  type MeasurementPick,
  type OccurrenceDomain,
  type VariableKind,
  type VariableType,
} from '../../analysis/variables/types.js';

export type StatsKind = 'summary' | 'histogram' | 'glm' | 'km';
export const STATS_KINDS: readonly StatsKind[] = ['summary', 'histogram', 'glm', 'km'];

export function isStatsKind(kind: string): kind is StatsKind {
  return (STATS_KINDS as readonly string[]).includes(kind);
}

export const VARIABLE_TYPES: ReadonlyArray<readonly [VariableType, string]> = [
  ['age_at_index', 'Age at index'],
  ['index_year', 'Index year'],
  ['gender', 'Gender'],
  ['measurement', 'Measurement value'],
  ['occurrence', 'Occurrence (0/1)'],
  ['count_occurrences', 'Count of occurrences'],
  ['death', 'Death (0/1)'],
  ['time_to', 'Time to event'],
];
export const DOMAINS: readonly OccurrenceDomain[] = ['condition', 'drug', 'procedure', 'measurement', 'visit'];
export const PICKS: readonly MeasurementPick[] = ['latest', 'first', 'mean', 'max', 'min'];

/** One variable row. Fields a type does not use are kept (switching type back loses nothing) but not sent. */
export interface IVariableForm {
  name: string;
  type: VariableType;
  /** measurement / occurrence / count_occurrences / time_to with an occurrence event: a standard concept id (descendants included) */
  conceptId: number | null;
  domain: OccurrenceDomain;
  windowStart: number | null;
  windowEnd: number | null;
  pick: MeasurementPick;
  /** time_to: what ends the wait */
  event: 'death' | 'occurrence';
  maxDays: number | null;
}

export interface IStatsForm {
  variables: IVariableForm[];
  /** summary */
  of: string[];
  by: string | null;
  /** histogram */
  histogramOf: string | null;
  bins: number | null;
  /** comma-separated ascending edges; empty: the hub chooses `bins` edges */
  edges: string;
  /** glm */
  family: 'gaussian' | 'binomial' | 'poisson';
  outcome: string | null;
  covariates: string[];
  offset: string | null;
  onRefusal: 'fail' | 'continue';
  /** km */
  time: string | null;
  strata: string | null;
  binDays: number | null;
}

export function variableForm(name: string, type: VariableType, change: Partial<IVariableForm> = {}): IVariableForm {
  return {
    name,
    type,
    conceptId: null,
    domain: 'condition',
    windowStart: 0,
    windowEnd: 365,
    pick: 'latest',
    event: 'death',
    maxDays: 1825,
    ...change,
  };
}

/**
 * Starts with what most cohort questions need: age and gender at index, death within a year, and
 * survival up to five years — enough for a KM by gender or a logistic GLM without typing.
 */
export function defaultStatsForm(): IStatsForm {
  return {
    variables: [
      variableForm('age', 'age_at_index'),
      variableForm('gender', 'gender'),
      variableForm('death_1y', 'death', { windowStart: 0, windowEnd: 365 }),
      variableForm('survival', 'time_to', { event: 'death', maxDays: 1825 }),
    ],
    of: ['age'],
    by: null,
    histogramOf: 'age',
    bins: 10,
    edges: '',
    family: 'binomial',
    outcome: 'death_1y',
    covariates: ['age', 'gender'],
    offset: null,
    onRefusal: 'fail',
    time: 'survival',
    strata: 'gender',
    binDays: 30,
  };
}

/** Which variable kinds each role accepts (the hub checks the same; the form only offers these). */
export function roleAccepts(
  role: 'of' | 'by' | 'histogram' | 'outcome' | 'covariate' | 'offset' | 'time' | 'strata',
  family?: IStatsForm['family'],
): VariableKind[] {
  switch (role) {
    case 'of':
      return ['numeric', 'count', 'binary', 'categorical'];
    case 'histogram':
    case 'offset':
      return ['numeric', 'count'];
    case 'by':
    case 'strata':
      return ['categorical', 'binary'];
    case 'outcome':
      return family === 'binomial' ? ['binary'] : family === 'poisson' ? ['count', 'binary'] : ['numeric', 'count', 'binary'];
    case 'covariate':
      return ['numeric', 'count', 'binary', 'categorical'];
    case 'time':
      return ['time'];
  }
}

/** Variable names usable in a role, in the table's order. */
export function namesFor(form: IStatsForm, role: Parameters<typeof roleAccepts>[0]): string[] {
  const accepts = roleAccepts(role, form.family);
  return form.variables.filter((v) => v.name && accepts.includes(VARIABLE_KINDS[v.type])).map((v) => v.name);
}

export type StatsAnalysisResult = { ok: true; analysis: Analysis } | { ok: false; problems: PlanProblem[] };

export function statsAnalysis(kind: StatsKind, form: IStatsForm): StatsAnalysisResult {
  const problems: PlanProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path: `analysis.${path}`, message });
  const used = usedNames(kind, form);
  const variables: Variables = {};
  const names = new Set<string>();
  form.variables.forEach((v, i) => {
    if (names.has(v.name)) problem(`variables.${v.name}`, `Two variables are named "${v.name}".`);
    names.add(v.name);
    // Only variables the analysis uses are sent: each one costs the sites a query, and a half-filled
    // row elsewhere in the table should not block the run.
    if (!used.includes(v.name)) return;
    const spec = variableSpec(v, (field, message) => problem(`variables.${v.name || `#${i + 1}`}.${field}`, message));
    if (spec) variables[v.name] = spec;
  });
  for (const name of used) if (!names.has(name)) problem('variables', `No variable is named "${name}".`);

  let analysis: Analysis | undefined;
  if (kind === 'summary') {
    if (form.of.length === 0) problem('of', 'Pick at least one variable to summarise.');
    analysis = { kind, variables, of: [...form.of], ...(form.by ? { by: form.by } : {}) };
  } else if (kind === 'histogram') {
    if (!form.histogramOf) problem('of', 'Pick the variable to bin.');
    const edges = parseEdges(form.edges);
    if (edges === 'invalid') problem('edges', 'Bin edges are numbers separated by commas, in ascending order.');
    if (form.bins !== null && (!Number.isInteger(form.bins) || form.bins < 1))
      problem('bins', 'Bins must be a whole number above 0.');
    analysis = {
      kind,
      variables,
      of: form.histogramOf ?? '',
      ...(Array.isArray(edges) ? { edges } : form.bins !== null ? { bins: form.bins } : {}),
    };
  } else if (kind === 'glm') {
    if (!form.outcome) problem('outcome', 'Pick the outcome.');
    if (form.covariates.length === 0) problem('covariates', 'Pick at least one covariate.');
    if (form.outcome && form.covariates.includes(form.outcome)) problem('covariates', 'The outcome cannot also be a covariate.');
    analysis = {
      kind,
      variables,
      family: form.family,
      outcome: form.outcome ?? '',
      covariates: [...form.covariates],
      ...(form.offset ? { offset: form.offset } : {}),
      ...(form.onRefusal === 'continue' ? { onRefusal: 'continue' as const } : {}),
    };
  } else {
    if (!form.time) problem('time', 'Pick a time-to-event variable.');
    if (form.binDays !== null && (!Number.isInteger(form.binDays) || form.binDays < 1))
      problem('binDays', 'Bin width must be a whole number of days above 0.');
    analysis = {
      kind,
      variables,
      time: form.time ?? '',
      ...(form.strata ? { strata: form.strata } : {}),
      ...(form.binDays !== null ? { binDays: form.binDays } : {}),
    };
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, analysis };
}

/** The names an analysis refers to, in the order they appear in it. */
export function usedNames(kind: StatsKind, form: IStatsForm): string[] {
  const names =
    kind === 'summary'
      ? [...form.of, form.by]
      : kind === 'histogram'
        ? [form.histogramOf]
        : kind === 'glm'
          ? [form.outcome, ...form.covariates, form.offset]
          : [form.time, form.strata];
  return [...new Set(names.filter((n): n is string => !!n))];
}

function variableSpec(v: IVariableForm, problem: (field: string, message: string) => void): VariableSpec | undefined {
  const window = () => {
    if (v.windowStart === null || v.windowEnd === null) problem('window', 'Give the window’s start and end (days from index).');
    return { start: v.windowStart ?? 0, end: v.windowEnd ?? 0 };
  };
  const conceptSet = () => {
    if (v.conceptId === null) problem('conceptSet', 'Give a standard concept id (its descendants are included).');
    return {
      items: [{ concept: { CONCEPT_ID: v.conceptId ?? 0 }, includeDescendants: true, isExcluded: false, includeMapped: false }],
    };
  };
  switch (v.type) {
    case 'age_at_index':
    case 'index_year':
    case 'gender':
      return { type: v.type };
    case 'measurement':
      return { type: v.type, conceptSet: conceptSet(), window: window(), pick: v.pick };
    case 'occurrence':
    case 'count_occurrences':
      return { type: v.type, domain: v.domain, conceptSet: conceptSet(), window: window() };
    case 'death':
      return { type: v.type, window: window() };
    case 'time_to': {
      if (v.maxDays === null) problem('maxDays', 'Give the longest follow-up in days.');
      const event =
        v.event === 'death'
          ? { type: 'death' as const }
          : { type: 'occurrence' as const, domain: v.domain, conceptSet: conceptSet() };
      return { type: v.type, event, maxDays: v.maxDays ?? 0 };
    }
  }
}

function parseEdges(text: string): number[] | 'invalid' | null {
  if (text.trim() === '') return null;
  const edges = text.split(',').map((s) => Number(s.trim()));
  if (edges.length < 2 || edges.some((e) => !Number.isFinite(e))) return 'invalid';
  return edges.every((e, i) => i === 0 || e > edges[i - 1]) ? edges : 'invalid';
}
