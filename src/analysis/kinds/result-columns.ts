/**
 * Result tables of the kinds that read variables: their columns, as a small description that
 * builds the Arrow schema (src/arrow/records.ts) and tells clients what each column is. Every
 * count column `m` is followed, after the kind's own columns, by `m_lower`, `m_upper` and
 * `m_suppressed` (the interval that holds the true value, and whether it was withheld), as the
 * counting kinds do; a last `disclosure` column says in words what was done to the row.
 * Browser-safe.
 */
import type { VariableAnalysis } from './plan-types.js';

export type ColumnType = 'utf8' | 'int32' | 'int64' | 'float64' | 'bool';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  nullable: boolean;
}

const utf8 = (name: string, nullable = false): ColumnSpec => ({ name, type: 'utf8', nullable });
const f64 = (name: string): ColumnSpec => ({ name, type: 'float64', nullable: true });
const count = (name: string): ColumnSpec => ({ name, type: 'int64', nullable: true });

/** The interval and flag columns of a count column. */
export function countBounds(m: string): ColumnSpec[] {
  return [
    { name: `${m}_lower`, type: 'int64', nullable: false },
    { name: `${m}_upper`, type: 'int64', nullable: false },
    { name: `${m}_suppressed`, type: 'bool', nullable: false },
  ];
}

export const SUMMARY_STATS = ['mean', 'sd', 'p05', 'p25', 'median', 'p75', 'p95'] as const;
export const SUMMARY_QUANTILES: ReadonlyArray<readonly [(typeof SUMMARY_STATS)[number], number]> = [
  ['p05', 0.05],
  ['p25', 0.25],
  ['median', 0.5],
  ['p75', 0.75],
  ['p95', 0.95],
];

/** Count columns per kind (each gets its bounds columns). */
export const COUNT_COLUMNS: Record<VariableAnalysis['kind'], readonly string[]> = {
  summary: ['n', 'missing'],
  histogram: ['persons'],
  glm: [],
  km: ['n_at_risk', 'n_events', 'n_censored'],
};

const MAIN_COLUMNS: Record<VariableAnalysis['kind'], ColumnSpec[]> = {
  summary: [utf8('variable'), utf8('level', true), count('n'), count('missing'), ...SUMMARY_STATS.map((s) => f64(s))],
  histogram: [utf8('variable'), f64('bin_lower'), f64('bin_upper'), count('persons')],
  glm: [utf8('term'), ...['estimate', 'std_error', 'statistic', 'p_value', 'ci_lower', 'ci_upper'].map(f64)],
  km: [
    utf8('stratum'),
    { name: 'time', type: 'int32', nullable: false },
    count('n_at_risk'),
    count('n_events'),
    count('n_censored'),
    f64('survival'),
    f64('ci_lower'),
    f64('ci_upper'),
  ],
};

/** site, the kind's columns, the count bounds, disclosure. */
export function kindColumns(kind: VariableAnalysis['kind']): ColumnSpec[] {
  return [utf8('site'), ...MAIN_COLUMNS[kind], ...COUNT_COLUMNS[kind].flatMap(countBounds), utf8('disclosure')];
}

/** Schema metadata keys the variable kinds add (JSON values). */
export const KIND_META = {
  glm: 'fedomop.glm',
  km: 'fedomop.km',
  summary: 'fedomop.summary',
  histogram: 'fedomop.histogram',
  test: 'fedomop.test',
  /** per site: persons in the cohort, complete cases and rows dropped for missing values */
  cases: 'fedomop.cases',
} as const;

/** A result row as plain values keyed by column name (Int64 columns as JS numbers). */
export type ResultRecord = Record<string, string | number | boolean | null>;
